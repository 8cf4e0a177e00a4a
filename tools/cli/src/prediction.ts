import { eventDataJson, type CloudEvent } from '@seldon-eventing/cloudevents';
import { responseType, STATUS_EXTENSION, type DeploymentName } from '@seldon-eventing/seldon';
import type { EventFilter } from './event-feed';

/**
 * The response event that answers one request: Seldon's executor answers with
 * type `seldon.<deployment>.<namespace>.response` and id = the request's Seldon-Puid
 * (libs/seldon response-event.ts; ARCHITECTURE.md, "Seldon response event"). predict sends its
 * request with the extension `seldonpuid`, which the predictor-router passes on as the
 * Seldon-Puid, so the response's id is known before it is sent.
 */
export function responseFilter(deployment: DeploymentName, puid: string): EventFilter {
  return { type: responseType(deployment), id: puid };
}

/** A failed prediction carries `seldonstatus`, the predictor's HTTP status; a successful one never does. */
export function failedStatus(response: CloudEvent): string | undefined {
  return response.extensions[STATUS_EXTENSION];
}

/** One row of a prediction: a probability (or score) per class. */
export type PredictionRow = { name: string; value: number }[];

const isNumberRow = (row: unknown): row is number[] => Array.isArray(row) && row.length > 0 && row.every((v) => typeof v === 'number');

function rowsOf(matrix: unknown, names?: unknown): PredictionRow[] | undefined {
  if (!Array.isArray(matrix) || matrix.length === 0 || !matrix.every(isNumberRow)) return undefined;
  const label = (i: number) => (Array.isArray(names) && typeof names[i] === 'string' ? names[i] : String(i));
  return matrix.map((row) => row.map((value, i) => ({ name: label(i), value })));
}

/** A flat row-major tensor `[rows, columns]` as rows (Seldon's `tensor`, V2's outputs). */
function unflatten(shape: unknown, values: unknown): number[][] | undefined {
  if (!Array.isArray(shape) || shape.length !== 2 || !isNumberRow(values)) return undefined;
  const [rows, columns] = shape as number[];
  if (rows * columns !== values.length) return undefined;
  return Array.from({ length: rows }, (_, r) => values.slice(r * columns, (r + 1) * columns));
}

/**
 * The classes and probabilities of a prediction, for the three protocols the predictors speak
 * (docs/predictors.md): Seldon v1 `data.ndarray` or `data.tensor` with `data.names`; V2
 * `outputs[0]` of shape [rows, classes]; TensorFlow `predictions`. Undefined for anything that
 * is not a matrix of numbers: printed as JSON instead.
 */
export function predictionRows(body: unknown): PredictionRow[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { data, outputs, predictions } = body as Record<string, any>;
  if (data && typeof data === 'object') return rowsOf(data.ndarray ?? unflatten(data.tensor?.shape, data.tensor?.values), data.names);
  if (Array.isArray(outputs) && outputs.length > 0) return rowsOf(unflatten(outputs[0]?.shape, outputs[0]?.data));
  if (predictions !== undefined) return rowsOf(predictions);
  return undefined;
}

/** The response's data as JSON, or its text when it is not JSON. */
export function responseBody(response: CloudEvent): unknown {
  try {
    return eventDataJson(response);
  } catch {
    return response.data?.toString('utf8') ?? null;
  }
}
