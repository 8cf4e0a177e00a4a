/**
 * Seldon protocol v1 (the SeldonMessage of seldon-core's prediction.proto, as JSON):
 *
 *   { "data": { "names": [...], "ndarray": [[...]] | "tensor": {"shape": [...], "values": [...]} | "tftensor": {...} },
 *     "meta": { "puid": "...", "tags": {...}, ... } }
 *   or one of "strData" (string), "jsonData" (any JSON), "binData" (base64), "customData" (Any)
 *   in place of "data": the payload is a proto oneof, so exactly one of them.
 *
 * Errors follow the Python wrapper's SeldonMicroserviceException (status code 400, reason
 * MICROSERVICE_BAD_DATA; MICROSERVICE_INTERNAL_ERROR for 500s) with the executor's
 * `"status": "FAILURE"` (executor/api/rest client CreateErrorPayload):
 *
 *   {"status":{"code":400,"info":"<what is wrong>","reason":"MICROSERVICE_BAD_DATA","status":"FAILURE"}}
 */

import { isMapping, jsonTypeOf } from '@seldon-eventing/cloudevents';

export const SELDON_PUID_HEADER = 'seldon-puid';

export const MICROSERVICE_BAD_DATA = 'MICROSERVICE_BAD_DATA';
export const MICROSERVICE_INTERNAL_ERROR = 'MICROSERVICE_INTERNAL_ERROR';

export interface SeldonTensor {
  shape: number[];
  values: number[];
}

export interface SeldonMessage {
  data?: { names?: string[]; ndarray?: unknown[]; tensor?: SeldonTensor; tftensor?: unknown };
  strData?: string;
  jsonData?: unknown;
  binData?: string;
  customData?: unknown;
  meta?: Record<string, unknown>;
  status?: unknown;
}

export interface SeldonStatus {
  status: { code: number; info: string; reason: string; status: 'FAILURE' };
}

/** The Seldon FAILURE body. The reason defaults to MICROSERVICE_BAD_DATA, MICROSERVICE_INTERNAL_ERROR for 5xx. */
export function seldonError(code: number, info: string, reason?: string): SeldonStatus {
  return { status: { code, info, reason: reason ?? (code >= 500 ? MICROSERVICE_INTERNAL_ERROR : MICROSERVICE_BAD_DATA), status: 'FAILURE' } };
}

/** A request Seldon refuses: a payload that is not a valid SeldonMessage (or not what a model takes), or a path naming no valid deployment. */
export class SeldonPayloadError extends Error {
  override readonly name = 'SeldonPayloadError';
  readonly status: number;
  readonly reason: string;

  constructor(message: string, status = 400, reason: string = MICROSERVICE_BAD_DATA) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  /** The Seldon FAILURE body for this error. */
  toSeldonStatus(): SeldonStatus {
    return seldonError(this.status, this.message, this.reason);
  }
}

type Json = Record<string, unknown>;

const MESSAGE_FIELDS = ['data', 'strData', 'jsonData', 'binData', 'customData', 'meta', 'status'] as const;
const PAYLOAD_FIELDS = ['data', 'strData', 'jsonData', 'binData', 'customData'] as const;
const DATA_FIELDS = ['names', 'ndarray', 'tensor', 'tftensor'] as const;
const DATA_KINDS = ['ndarray', 'tensor', 'tftensor'] as const;
const BASE64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

function fail(message: string): never {
  throw new SeldonPayloadError(message);
}

function list(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function rejectUnknown(value: Json, known: readonly string[], prefix: string, what: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`unknown field '${prefix}${key}': ${what} has ${list(known)}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses JSON text or bytes; a SeldonPayloadError says why it is not JSON. */
export function parseJsonBody(body: Buffer | Uint8Array | string): unknown {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = utf8.decode(body);
    } catch {
      fail('request body is not valid UTF-8');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') fail('request body is empty: expected a JSON request');
  try {
    return JSON.parse(text);
  } catch (err) {
    return fail(`request body is not valid JSON: ${(err as Error).message}`);
  }
}

function checkTensor(tensor: unknown): void {
  if (!isMapping(tensor)) fail(`data.tensor must be an object with shape and values, got ${jsonTypeOf(tensor)}`);
  rejectUnknown(tensor, ['shape', 'values'], 'data.tensor.', 'a tensor');
  const { shape, values } = tensor;
  if (shape === undefined) fail('data.tensor.shape is required');
  if (!Array.isArray(shape)) fail(`data.tensor.shape must be an array of non-negative integers, got ${jsonTypeOf(shape)}`);
  shape.forEach((dim, i) => {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0) {
      fail(`data.tensor.shape[${i}] must be a non-negative integer, got ${typeof dim === 'number' ? dim : jsonTypeOf(dim)}`);
    }
  });
  if (values === undefined) fail('data.tensor.values is required');
  if (!Array.isArray(values)) fail(`data.tensor.values must be an array of numbers, got ${jsonTypeOf(values)}`);
  values.forEach((v, i) => {
    if (typeof v !== 'number') fail(`data.tensor.values[${i}] must be a number, got ${jsonTypeOf(v)}`);
  });
  const size = (shape as number[]).reduce((a, d) => a * d, 1);
  if (values.length !== size) {
    fail(`data.tensor.values length ${values.length} does not match shape [${(shape as number[]).join(',')}] (${size} values)`);
  }
}

function checkData(data: unknown): void {
  if (!isMapping(data)) fail(`data must be an object with ndarray or tensor, got ${jsonTypeOf(data)}`);
  rejectUnknown(data, DATA_FIELDS, 'data.', 'data');
  if (data.names !== undefined) {
    if (!Array.isArray(data.names)) fail(`data.names must be an array of strings, got ${jsonTypeOf(data.names)}`);
    data.names.forEach((n, i) => {
      if (typeof n !== 'string') fail(`data.names[${i}] must be a string, got ${jsonTypeOf(n)}`);
    });
  }
  const kinds = DATA_KINDS.filter((k) => data[k] !== undefined);
  if (kinds.length === 0) fail('data must hold one of ndarray, tensor or tftensor');
  if (kinds.length > 1) fail(`data may hold only one of ndarray, tensor and tftensor, got ${list(kinds)}`);
  if (data.ndarray !== undefined && !Array.isArray(data.ndarray)) fail(`data.ndarray must be an array, got ${jsonTypeOf(data.ndarray)}`);
  if (data.tensor !== undefined) checkTensor(data.tensor);
  if (data.tftensor !== undefined && !isMapping(data.tftensor)) fail(`data.tftensor must be an object (a TensorProto), got ${jsonTypeOf(data.tftensor)}`);
}

function checkMeta(meta: unknown): void {
  if (!isMapping(meta)) fail(`meta must be an object, got ${jsonTypeOf(meta)}`);
  if (meta.puid !== undefined && typeof meta.puid !== 'string') fail(`meta.puid must be a string, got ${jsonTypeOf(meta.puid)}`);
  for (const field of ['tags', 'routing', 'requestPath']) {
    if (meta[field] !== undefined && !isMapping(meta[field])) fail(`meta.${field} must be an object, got ${jsonTypeOf(meta[field])}`);
  }
  if (meta.metrics !== undefined && !Array.isArray(meta.metrics)) fail(`meta.metrics must be an array, got ${jsonTypeOf(meta.metrics)}`);
}

/**
 * Validates a protocol v1 request: JSON text or bytes (a Buffer, any encoding of JSON with an
 * optional BOM), or a value already parsed. Returns the message; a SeldonPayloadError (400) says
 * precisely what is wrong: "data.ndarray must be an array", "data.tensor.values length 3 does not
 * match shape [2,2] (4 values)", "only one of data, strData, ... may be set, got data and strData"...
 */
export function parseSeldonMessage(body: Buffer | string | unknown): SeldonMessage {
  const message = typeof body === 'string' || body instanceof Uint8Array ? parseJsonBody(body) : body;
  if (!isMapping(message)) fail(`a SeldonMessage must be a JSON object, got ${jsonTypeOf(message)}`);
  rejectUnknown(message, MESSAGE_FIELDS, '', 'a SeldonMessage');
  const payloads = PAYLOAD_FIELDS.filter((k) => message[k] !== undefined);
  if (payloads.length === 0) fail(`the message has no payload: expected one of ${PAYLOAD_FIELDS.join(', ')}`);
  if (payloads.length > 1) fail(`only one of ${PAYLOAD_FIELDS.join(', ')} may be set, got ${list(payloads)}`);
  switch (payloads[0]) {
    case 'data':
      checkData(message.data);
      break;
    case 'strData':
      if (typeof message.strData !== 'string') fail(`strData must be a string, got ${jsonTypeOf(message.strData)}`);
      break;
    case 'binData': {
      const bin = message.binData;
      if (typeof bin !== 'string') fail(`binData must be a base64 string, got ${jsonTypeOf(bin)}`);
      if (!BASE64.test(bin) || bin.replace(/=+$/, '').length % 4 === 1) fail('binData must be base64');
      break;
    }
    case 'customData':
      if (!isMapping(message.customData)) fail(`customData must be an object (a protobuf Any), got ${jsonTypeOf(message.customData)}`);
      break;
    default:
      // jsonData: any JSON value.
      break;
  }
  if (message.meta !== undefined) checkMeta(message.meta);
  return message as SeldonMessage;
}
