import { isMapping } from '@seldon-eventing/cloudevents';
import type { SeldonProtocol } from '../paths';
import { validateRequest } from '../protocols';
import type { SeldonMessage } from '../protocol-v1';
import type { V2InferenceRequest, V2Tensor } from '../protocol-v2';

/**
 * Micro-batching rules per protocol: which request bodies may share one predictor call, the
 * body of that call, and how its answer is cut back into one answer per request. Pure functions;
 * the predictor-router's batcher queues and times the calls.
 *
 * - seldon (v1): `data.ndarray` rows, when the requests have the same `data.names` and rows of
 *   the same shape, and no other payload kind nor `meta` beyond `puid` (tags or routing would be
 *   one request's wish imposed on the others). The answer's `data.ndarray` rows are split back;
 *   each part keeps the answer's `meta` with its own request's `puid`, as the executor writes the
 *   request's puid into `meta.puid`.
 * - v2: every input concatenated along its first dimension, when the inputs have the same names
 *   (in order), datatypes, parameters and dimensions beyond the first, and the requests the same
 *   `parameters` and `outputs`. Each output of the answer is sliced along its first dimension with
 *   its shape adjusted; each part's `id` is its request's `id`, else its puid (MLServer echoes the
 *   request's id and makes one up when there is none).
 * - tensorflow: row-format `instances` with the same `signature_name` and instances of the same
 *   shape (or the same named inputs of the same shapes); `predictions` are split back. Columnar
 *   `inputs` go alone.
 *
 * Anything else (invalid for the protocol, another payload kind) goes alone, unchanged.
 */

/** A request that may share a predictor call with others of the same `key`. */
export interface BatchableRequest {
  /** Requests of equal key merge. */
  key: string;
  /** Its rows: the length of its first dimension. */
  rows: number;
  /** The parsed, valid request. */
  request: unknown;
}

/** One request of a batch, as the split needs it. */
export interface BatchPart {
  request: unknown;
  rows: number;
  /** The request's Seldon-Puid: its answer carries it where the protocol answers one. */
  puid: string;
}

type Json = Record<string, unknown>;

/** The shape of a nested list (`[]` for a scalar), following the first element at each level. */
function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

/** The common shape of every item, or undefined when they differ (at the levels shapeOf sees). */
function commonShape(items: unknown[]): string | undefined {
  const first = JSON.stringify(shapeOf(items[0]));
  return items.every((item) => JSON.stringify(shapeOf(item)) === first) ? first : undefined;
}

function onlyKeys(value: Json, allowed: readonly string[]): boolean {
  return Object.keys(value).every((k) => allowed.includes(k) && value[k] !== undefined);
}

function slices<T>(list: T[], parts: BatchPart[]): T[][] {
  let at = 0;
  return parts.map((p) => list.slice(at, (at += p.rows)));
}

const totalRows = (parts: BatchPart[]): number => parts.reduce((n, p) => n + p.rows, 0);

interface ProtocolBatching {
  batchable(request: unknown): Omit<BatchableRequest, 'request'> | undefined;
  merge(requests: unknown[]): unknown;
  split(answer: unknown, parts: BatchPart[]): unknown[] | undefined;
}

const seldon: ProtocolBatching = {
  batchable(request) {
    const message = request as SeldonMessage & Json;
    if (!onlyKeys(message, ['data', 'meta']) || !isMapping(message.data)) return undefined;
    if (message.meta !== undefined && !onlyKeys(message.meta, ['puid'])) return undefined;
    const { names, ndarray } = message.data;
    if (!onlyKeys(message.data, ['names', 'ndarray']) || !Array.isArray(ndarray) || ndarray.length === 0) return undefined;
    if (!ndarray.every(Array.isArray)) return undefined;
    const rowShape = commonShape(ndarray);
    if (rowShape === undefined) return undefined;
    return { key: `seldon ${JSON.stringify(names ?? null)} ${rowShape}`, rows: ndarray.length };
  },
  merge(requests) {
    const messages = requests as SeldonMessage[];
    const names = messages[0].data?.names;
    return { data: { ...(names ? { names } : {}), ndarray: messages.flatMap((m) => m.data?.ndarray ?? []) } };
  },
  split(answer, parts) {
    if (!isMapping(answer) || !isMapping(answer.data)) return undefined;
    const { data, meta } = answer;
    if (!Array.isArray(data.ndarray) || data.ndarray.length !== totalRows(parts)) return undefined;
    return slices(data.ndarray, parts).map((ndarray, i) => ({
      ...answer,
      data: { ...data, ndarray },
      ...(isMapping(meta) ? { meta: { ...meta, puid: parts[i].puid } } : {}),
    }));
  },
};

/** The dimensions of a tensor beyond the first, its name, type and parameters: what must agree to merge. */
function tensorKind(t: V2Tensor): unknown[] {
  return [t.name, t.datatype, t.shape.slice(1), t.parameters ?? null];
}

const elementsPerRow = (shape: number[]): number => shape.slice(1).reduce((a, d) => a * d, 1);

const v2: ProtocolBatching = {
  batchable(request) {
    const { inputs, parameters, outputs } = request as V2InferenceRequest;
    if (inputs.some((t) => t.shape.length === 0)) return undefined;
    const rows = inputs[0].shape[0];
    if (rows === 0 || inputs.some((t) => t.shape[0] !== rows)) return undefined;
    return { key: `v2 ${JSON.stringify([inputs.map(tensorKind), parameters ?? null, outputs ?? null])}`, rows };
  },
  merge(requests) {
    const all = requests as V2InferenceRequest[];
    const { parameters, outputs, inputs } = all[0];
    const rows = all.reduce((n, r) => n + r.inputs[0].shape[0], 0);
    return {
      ...(parameters ? { parameters } : {}),
      inputs: inputs.map((input, i) => ({
        ...input,
        shape: [rows, ...input.shape.slice(1)],
        // Row-major, so flat data of consecutive requests is the data of their rows in order.
        data: all.flatMap((r) => r.inputs[i].data.flat(Infinity)),
      })),
      ...(outputs ? { outputs } : {}),
    };
  },
  split(answer, parts) {
    if (!isMapping(answer) || !Array.isArray(answer.outputs)) return undefined;
    const total = totalRows(parts);
    const perOutput: V2Tensor[][] = [];
    for (const output of answer.outputs as unknown[]) {
      if (!isMapping(output) || !Array.isArray(output.shape) || output.shape[0] !== total || !Array.isArray(output.data)) return undefined;
      const tensor = output as unknown as V2Tensor;
      const width = elementsPerRow(tensor.shape);
      // The answer's data may be flat (row-major) or nested by rows; each part keeps that form.
      const nested = tensor.shape.length > 1 && tensor.data.length === total && tensor.data.every(Array.isArray);
      if (!nested && tensor.data.length !== total * width) return undefined;
      let at = 0;
      perOutput.push(
        parts.map((p) => ({
          ...tensor,
          shape: [p.rows, ...tensor.shape.slice(1)],
          data: nested ? tensor.data.slice(at, (at += p.rows)) : tensor.data.slice(at * width, (at += p.rows) * width),
        })),
      );
    }
    return parts.map((p, i) => ({
      ...answer,
      id: (p.request as V2InferenceRequest).id ?? p.puid,
      outputs: perOutput.map((outputs) => outputs[i]),
    }));
  },
};

/** An instance's shape, or its named inputs with their shapes. */
function instanceKind(instance: unknown): string {
  if (isMapping(instance) && !(Object.keys(instance).length === 1 && typeof instance.b64 === 'string')) {
    return JSON.stringify(Object.keys(instance).sort().map((name) => [name, shapeOf(instance[name])]));
  }
  return JSON.stringify(shapeOf(instance));
}

const tensorflow: ProtocolBatching = {
  batchable(request) {
    const message = request as Json;
    if (!onlyKeys(message, ['signature_name', 'instances']) || !Array.isArray(message.instances)) return undefined;
    const kind = instanceKind(message.instances[0]);
    if (!message.instances.every((instance) => instanceKind(instance) === kind)) return undefined;
    return { key: `tensorflow ${JSON.stringify(message.signature_name ?? null)} ${kind}`, rows: message.instances.length };
  },
  merge(requests) {
    const all = requests as { signature_name?: string; instances: unknown[] }[];
    const { signature_name } = all[0];
    return { ...(signature_name !== undefined ? { signature_name } : {}), instances: all.flatMap((r) => r.instances) };
  },
  split(answer, parts) {
    if (!isMapping(answer) || !Array.isArray(answer.predictions) || answer.predictions.length !== totalRows(parts)) return undefined;
    return slices(answer.predictions, parts).map((predictions) => ({ ...answer, predictions }));
  },
};

const PROTOCOLS: Record<SeldonProtocol, ProtocolBatching> = { seldon, v2, tensorflow };

/**
 * Whether a request body may be merged with others in `protocol`, and with which (its key).
 * Undefined for a body the protocol's predictor would refuse, or one whose fields cannot be merged:
 * it goes alone, and the predictor answers it as it would.
 */
export function batchableRequest(protocol: SeldonProtocol, body: Buffer): BatchableRequest | undefined {
  let request: unknown;
  try {
    request = validateRequest(protocol, body);
  } catch {
    return undefined;
  }
  const batchable = PROTOCOLS[protocol].batchable(request);
  return batchable && { ...batchable, request };
}

/** The body of one predictor call for requests of one key (in order). */
export function mergeRequests(protocol: SeldonProtocol, requests: unknown[]): unknown {
  return PROTOCOLS[protocol].merge(requests);
}

/**
 * The predictor's answer to a merged call, cut into one answer per request (in order), each as
 * the predictor would have answered that request alone. Undefined when the answer does not have
 * one row per row sent: the requests must then be called alone.
 */
export function splitResponse(protocol: SeldonProtocol, answer: unknown, parts: BatchPart[]): unknown[] | undefined {
  return PROTOCOLS[protocol].split(answer, parts);
}
