import { isMapping } from '@seldon-eventing/cloudevents';
import { SeldonPayloadError, type TfPredictRequest } from '@seldon-eventing/seldon';
import type { LogisticRegressionModel } from './iris-model';
import { rowsOf } from './prediction';

/**
 * TF Serving's predict API for a tabular classifier with one input (the feature rows) and one
 * output (predict_proba): row format `{"instances": [[...4 features], ...]}` answers
 * `{"predictions": [[p0, p1, p2], ...]}`; columnar format `{"inputs": [[...], ...]}` (or one named
 * input) answers `{"outputs": [[...], ...]}`, as TF Serving answers a single-output signature
 * (tensorflow_serving/g3doc/api_rest.md, "Response format").
 */
export type TfPredictResponse = { predictions: number[][] } | { outputs: number[][] };

/** The feature rows of a (valid) predict request; a SeldonPayloadError says why the model cannot take them. */
function featureRowsOf(request: TfPredictRequest, model: LogisticRegressionModel): { rows: number[][]; columnar: boolean } {
  if (request.instances !== undefined) return { rows: rowsOf(request.instances, 'instances', model), columnar: false };
  let inputs: unknown = request.inputs;
  let field = 'inputs';
  if (isMapping(inputs)) {
    const names = Object.keys(inputs);
    if (names.length !== 1) throw new SeldonPayloadError(`this model takes one input, got ${names.length} (${names.join(', ')})`);
    field = `inputs.${names[0]}`;
    inputs = inputs[names[0]];
  }
  return { rows: rowsOf(inputs, field, model), columnar: true };
}

export function predictTensorflow(model: LogisticRegressionModel, request: TfPredictRequest): TfPredictResponse {
  const { rows, columnar } = featureRowsOf(request, model);
  const probabilities = model.predictProba(rows);
  return columnar ? { outputs: probabilities } : { predictions: probabilities };
}
