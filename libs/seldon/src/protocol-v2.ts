/**
 * The Open Inference Protocol (V2) REST inference request (kserve/open-inference-protocol,
 * specification/protocol/inference_rest.md; MLServer's `InferenceRequest` in mlserver/types):
 *
 *   { "id"?: string, "parameters"?: {...},
 *     "inputs": [ { "name": string, "shape": [int...], "datatype": "FP32"|..., "parameters"?: {...}, "data": [...] } ],
 *     "outputs"?: [ { "name": string, "parameters"?: {...} } ] }
 *
 * `data` is the tensor's elements in row-major order, flat or nested ("the tensor data may be
 * nested as well"), so its element count must be the product of `shape`. Errors are
 * `{"error": "..."}`. Fields the spec does not define are ignored.
 */

import { isMapping, jsonTypeOf } from '@seldon-eventing/cloudevents';
import { SeldonPayloadError } from './protocol-v1';

export const V2_DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;
export type V2Datatype = (typeof V2_DATATYPES)[number];

/** A named tensor, as the Open Inference Protocol writes every input and output. */
export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: V2Datatype;
  parameters?: Record<string, unknown>;
  data: unknown[];
}

export type V2RequestInput = V2Tensor;

export interface V2InferenceRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: V2RequestInput[];
  outputs?: { name: string; parameters?: Record<string, unknown> }[];
}

export type V2ResponseOutput = V2Tensor;

export interface V2InferenceResponse {
  model_name: string;
  model_version?: string;
  id: string;
  parameters?: Record<string, unknown>;
  outputs: V2ResponseOutput[];
}

/** The V2 error body. */
export interface V2Error {
  error: string;
}

function fail(message: string): never {
  throw new SeldonPayloadError(message);
}

function checkParameters(value: unknown, field: string): void {
  if (value !== undefined && !isMapping(value)) fail(`${field} must be an object, got ${jsonTypeOf(value)}`);
}

function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') fail(`${field} must be a non-empty string, got ${jsonTypeOf(value)}`);
  return value;
}

/** Why `value` cannot be an element of a `datatype` tensor, or undefined when it can. */
function elementProblem(value: unknown, datatype: V2Datatype): string | undefined {
  switch (datatype) {
    case 'BOOL':
      return typeof value === 'boolean' ? undefined : 'a boolean';
    case 'BYTES':
      return typeof value === 'string' ? undefined : 'a string';
    case 'FP16':
    case 'FP32':
    case 'FP64':
      return typeof value === 'number' ? undefined : 'a number';
    default: {
      const unsigned = datatype.startsWith('U');
      if (typeof value === 'number' && Number.isInteger(value) && (!unsigned || value >= 0)) return undefined;
      return unsigned ? 'a non-negative integer' : 'an integer';
    }
  }
}

/** Checks every element of (possibly nested) `data` and counts them. */
function countElements(data: unknown[], datatype: V2Datatype, field: string): number {
  let count = 0;
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`));
      return;
    }
    const problem = elementProblem(value, datatype);
    if (problem) fail(`${path} must be ${problem} for datatype ${datatype}, got ${typeof value === 'number' ? value : jsonTypeOf(value)}`);
    count++;
  };
  data.forEach((v, i) => visit(v, `${field}[${i}]`));
  return count;
}

function checkInput(raw: unknown, i: number, seen: Map<string, number>): void {
  const field = `inputs[${i}]`;
  if (!isMapping(raw)) fail(`${field} must be an object with name, shape, datatype and data, got ${jsonTypeOf(raw)}`);
  const name = checkName(raw.name, `${field}.name`);
  const earlier = seen.get(name);
  if (earlier !== undefined) fail(`${field}.name "${name}" repeats inputs[${earlier}].name`);
  seen.set(name, i);
  const { shape, datatype, data } = raw;
  if (!Array.isArray(shape)) fail(`${field}.shape must be a list of non-negative integers, got ${jsonTypeOf(shape)}`);
  shape.forEach((dim, d) => {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0) fail(`${field}.shape[${d}] must be a non-negative integer, got ${typeof dim === 'number' ? dim : jsonTypeOf(dim)}`);
  });
  if (typeof datatype !== 'string' || !(V2_DATATYPES as readonly string[]).includes(datatype)) {
    fail(`${field}.datatype must be one of ${V2_DATATYPES.join(', ')}, got ${typeof datatype === 'string' ? JSON.stringify(datatype) : jsonTypeOf(datatype)}`);
  }
  checkParameters(raw.parameters, `${field}.parameters`);
  if (!Array.isArray(data)) fail(`${field}.data must be a list, got ${jsonTypeOf(data)}`);
  const count = countElements(data, datatype as V2Datatype, `${field}.data`);
  const size = (shape as number[]).reduce((a, d) => a * d, 1);
  if (count !== size) fail(`${field}.shape [${(shape as number[]).join(',')}] holds ${size} values, data has ${count}`);
}

/**
 * Validates a V2 inference request (a value already parsed from JSON). Returns it; a
 * SeldonPayloadError (400) names the field: "inputs[0].shape [2,4] holds 8 values, data has 4".
 */
export function parseV2InferenceRequest(message: unknown): V2InferenceRequest {
  if (!isMapping(message)) fail(`an inference request must be a JSON object with inputs, got ${jsonTypeOf(message)}`);
  if (message.id !== undefined && typeof message.id !== 'string') fail(`id must be a string, got ${jsonTypeOf(message.id)}`);
  checkParameters(message.parameters, 'parameters');
  const { inputs, outputs } = message;
  if (inputs === undefined) fail('inputs is required: a list of {name, shape, datatype, data}');
  if (!Array.isArray(inputs)) fail(`inputs must be a list of {name, shape, datatype, data}, got ${jsonTypeOf(inputs)}`);
  if (inputs.length === 0) fail('inputs must hold at least one input');
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => checkInput(input, i, seen));
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) fail(`outputs must be a list of {name}, got ${jsonTypeOf(outputs)}`);
    outputs.forEach((output, i) => {
      if (!isMapping(output)) fail(`outputs[${i}] must be an object with a name, got ${jsonTypeOf(output)}`);
      checkName(output.name, `outputs[${i}].name`);
      checkParameters(output.parameters, `outputs[${i}].parameters`);
    });
  }
  return message as unknown as V2InferenceRequest;
}
