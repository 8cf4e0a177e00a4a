import { SeldonPayloadError, type V2InferenceRequest, type V2InferenceResponse, type V2ResponseOutput } from '@seldon-eventing/seldon';
import type { LogisticRegressionModel } from './iris-model';
import { splitRows } from './prediction';

/**
 * The Open Inference Protocol (V2) for a tabular classifier, answered as MLServer's sklearn
 * runtime answers (mlserver_sklearn/sklearn.py, SKLearnModel.predict): one input of `[N, 4]`
 * numbers, outputs `predict_proba` (FP64 `[N, 3]`, the default here, as a SeldonDeployment of
 * an sklearn classifier is used for its probabilities) and `predict` (the class, INT64 `[N, 1]`),
 * each with `parameters.content_type` "np" as MLServer's NumpyCodec writes it.
 */
export const PREDICT_OUTPUT = 'predict';
export const PREDICT_PROBA_OUTPUT = 'predict_proba';
/** The name the model's metadata gives its input; requests may name it as they like, as MLServer allows. */
export const INPUT_NAME = 'predict';

const NON_NUMERIC = ['BOOL', 'BYTES'];

function flatten(data: unknown[]): number[] {
  return (data as unknown[]).flat(Infinity) as number[];
}

/** The feature rows of a (valid) inference request; a SeldonPayloadError (400) says why the model cannot take them. */
export function v2FeatureRows(request: V2InferenceRequest, model: LogisticRegressionModel): number[][] {
  const width = model.featureCount;
  if (request.inputs.length !== 1) {
    throw new SeldonPayloadError(`this model takes a single input tensor (${request.inputs.length} were received)`);
  }
  const [input] = request.inputs;
  if (NON_NUMERIC.includes(input.datatype)) throw new SeldonPayloadError(`inputs[0].datatype must be numeric (FP32 or FP64) for this model, got ${input.datatype}`);
  const { shape } = input;
  if (shape.length !== 2 || shape[1] !== width) throw new SeldonPayloadError(`inputs[0].shape must be [N, ${width}] for this model, got [${shape.join(',')}]`);
  if (shape[0] === 0) throw new SeldonPayloadError(`inputs[0] must hold at least one row of ${width} features`);
  return splitRows(flatten(input.data), width);
}

function output(name: string, probabilities: number[][]): V2ResponseOutput {
  const parameters = { content_type: 'np' };
  if (name === PREDICT_PROBA_OUTPUT) {
    return { name, shape: [probabilities.length, probabilities[0].length], datatype: 'FP64', parameters, data: probabilities.flat() };
  }
  if (name === PREDICT_OUTPUT) {
    return { name, shape: [probabilities.length, 1], datatype: 'INT64', parameters, data: probabilities.map((p) => p.indexOf(Math.max(...p))) };
  }
  throw new SeldonPayloadError(`SKLearnModel only supports '${PREDICT_OUTPUT}' and '${PREDICT_PROBA_OUTPUT}' as outputs (${name} was received)`);
}

export function inferV2(model: LogisticRegressionModel, modelName: string, request: V2InferenceRequest, id: string): V2InferenceResponse {
  const rows = v2FeatureRows(request, model);
  const names = request.outputs?.length ? request.outputs.map((o) => o.name) : [PREDICT_PROBA_OUTPUT];
  const probabilities = model.predictProba(rows);
  return { model_name: modelName, id, parameters: {}, outputs: names.map((name) => output(name, probabilities)) };
}

/** The model metadata (`GET /v2/models/<model>`), as the protocol defines it. */
export function v2Metadata(model: LogisticRegressionModel, modelName: string) {
  return {
    name: modelName,
    versions: [],
    platform: '',
    inputs: [{ name: INPUT_NAME, datatype: 'FP64', shape: [-1, model.featureCount] }],
    outputs: [
      { name: PREDICT_PROBA_OUTPUT, datatype: 'FP64', shape: [-1, model.classCount] },
      { name: PREDICT_OUTPUT, datatype: 'INT64', shape: [-1, 1] },
    ],
  };
}
