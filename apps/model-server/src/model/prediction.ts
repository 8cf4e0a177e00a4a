import { jsonTypeOf } from '@seldon-eventing/cloudevents';
import { SeldonPayloadError, type SeldonMessage } from '@seldon-eventing/seldon';
import type { LogisticRegressionModel } from './iris-model';

/**
 * Protocol v1 in and out for a tabular classifier, as Seldon's SKLEARN_SERVER behaves through the
 * Python wrapper: the rows come as `data.ndarray` (a list of rows) or `data.tensor` (shape
 * [rows, features], values row by row); the answer is predict_proba in the same form, with the
 * column names `t:0`, `t:1`, ...; `meta.puid` carries the request's puid.
 */

export type DataForm = 'ndarray' | 'tensor';

export interface FeatureRows {
  rows: number[][];
  form: DataForm;
}

export interface PredictionResponse {
  data: { names: string[]; ndarray?: number[][]; tensor?: { shape: number[]; values: number[] } };
  meta: { puid?: string };
}

function fail(message: string): never {
  throw new SeldonPayloadError(message);
}

function describeFeatures(model: LogisticRegressionModel): string {
  return `${model.featureCount} features (${model.featureNames.join(', ')})`;
}

/**
 * The feature rows of `value`, a list of rows of the model's width (v1 `data.ndarray`, TF
 * `instances` or `inputs`); a SeldonPayloadError names `field` and says what the model takes.
 */
export function rowsOf(value: unknown, field: string, model: LogisticRegressionModel): number[][] {
  const width = model.featureCount;
  if (!Array.isArray(value)) fail(`${field} must be a list of rows of ${describeFeatures(model)}, got ${jsonTypeOf(value)}`);
  if (value.length === 0) fail(`${field} must hold at least one row of ${describeFeatures(model)}`);
  // Loops rather than closures per row and value: a ~1 MB request has 7,633 rows.
  for (let i = 0; i < value.length; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row)) fail(`${field}[${i}] must be a row of ${width} numbers, got ${jsonTypeOf(row)} (send a list of rows, e.g. [[5.1,3.5,1.4,0.2]])`);
    if (row.length !== width) fail(`${field}[${i}] has ${row.length} values; this model takes ${describeFeatures(model)}`);
    for (let j = 0; j < width; j++) {
      if (typeof row[j] !== 'number') fail(`${field}[${i}][${j}] must be a number, got ${jsonTypeOf(row[j])}`);
    }
  }
  return value as number[][];
}

/** Row-major `values` cut into rows of `width`. */
export function splitRows(values: readonly number[], width: number): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r * width < values.length; r++) rows.push(values.slice(r * width, (r + 1) * width));
  return rows;
}

/** The feature rows of a (valid) SeldonMessage; a SeldonPayloadError says why the model cannot take them. */
export function featureRows(message: SeldonMessage, model: LogisticRegressionModel): FeatureRows {
  const width = model.featureCount;
  if (!message.data) {
    const given = (['strData', 'jsonData', 'binData', 'customData'] as const).find((k) => message[k] !== undefined) ?? 'no data';
    return fail(`this model takes data.ndarray or data.tensor with rows of ${describeFeatures(model)}, got ${given}`);
  }
  const { ndarray, tensor } = message.data;
  if (tensor) {
    const { shape, values } = tensor;
    if (shape.length !== 2 || shape[1] !== width) fail(`data.tensor.shape must be [rows, ${width}] for this model, got [${shape.join(',')}]`);
    if (shape[0] === 0) fail(`data.tensor must hold at least one row of ${describeFeatures(model)}`);
    return { rows: splitRows(values, width), form: 'tensor' };
  }
  if (!ndarray) return fail('this model takes data.ndarray or data.tensor; data.tftensor is not supported');
  const rows = rowsOf(ndarray, 'data.ndarray', model);
  return { rows, form: 'ndarray' };
}

/** Predicts a message's rows and answers in the form they came in. */
export function predictMessage(model: LogisticRegressionModel, message: SeldonMessage, puid?: string): PredictionResponse {
  const { rows, form } = featureRows(message, model);
  const probabilities = model.predictProba(rows);
  const names = model.outputNames();
  const data: PredictionResponse['data'] =
    form === 'tensor' ? { names, tensor: { shape: [probabilities.length, names.length], values: probabilities.flat() } } : { names, ndarray: probabilities };
  return { data, meta: puid ? { puid } : {} };
}
