/**
 * TensorFlow Serving's REST predict API (what Seldon's `protocol: tensorflow` speaks,
 * tensorflow_serving/g3doc/api_rest.md, parsed by util/json_tensor.cc):
 *
 *   row format      {"signature_name"?: "...", "instances": [<instance>, ...]}  →  {"predictions": [...]}
 *   columnar format {"signature_name"?: "...", "inputs": <tensor> | {"<name>": <tensor>, ...}}  →  {"outputs": ...}
 *
 * An instance is a tensor (one unnamed input) or an object of named input tensors; every instance
 * has the same shape / the same names. A tensor is a scalar (number, string, boolean, or
 * `{"b64": "..."}` for binary) or a rectangular nested list of them. Exactly one of `instances` and
 * `inputs`. Errors are `{"error": "..."}`. Other top-level fields are ignored, as TF Serving does.
 */

import { isMapping, jsonTypeOf } from '@seldon-eventing/cloudevents';
import { SeldonPayloadError } from './protocol-v1';

export type TfTensor = unknown;

export type TfPredictRequest =
  | { signature_name?: string; instances: TfTensor[]; inputs?: undefined }
  | { signature_name?: string; inputs: TfTensor | Record<string, TfTensor>; instances?: undefined };

/** The TF Serving error body. */
export interface TfError {
  error: string;
}

function fail(message: string): never {
  throw new SeldonPayloadError(message);
}

function isBinary(value: unknown): boolean {
  return isMapping(value) && Object.keys(value).length === 1 && typeof value.b64 === 'string';
}

/** The shape of a tensor value (`[]` for a scalar); a SeldonPayloadError names the field that is no tensor. */
function tensorShape(value: unknown, field: string): number[] {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || isBinary(value)) return [];
  if (!Array.isArray(value)) fail(`${field} must be a number, string, boolean, {"b64": ...} or a list of them, got ${jsonTypeOf(value)}`);
  if (value.length === 0) return [0];
  const first = tensorShape(value[0], `${field}[0]`);
  for (let i = 1; i < value.length; i++) {
    const shape = tensorShape(value[i], `${field}[${i}]`);
    if (shape.join(',') !== first.join(',')) fail(`${field}[${i}] has shape [${shape.join(',')}], ${field}[0] has [${first.join(',')}]: a tensor must be rectangular`);
  }
  return [value.length, ...first];
}

function namedTensors(value: Record<string, unknown>, field: string): string[] {
  const names = Object.keys(value);
  if (names.length === 0) fail(`${field} must name at least one input`);
  for (const name of names) tensorShape(value[name], `${field}.${name}`);
  return names.sort();
}

function checkInstances(instances: unknown): void {
  if (!Array.isArray(instances)) fail(`instances must be a list, got ${jsonTypeOf(instances)}`);
  if (instances.length === 0) fail('instances must hold at least one instance');
  if (isMapping(instances[0]) && !isBinary(instances[0])) {
    const names = namedTensors(instances[0], 'instances[0]').join(',');
    instances.forEach((instance, i) => {
      if (!isMapping(instance) || isBinary(instance)) fail(`instances[${i}] must be an object of named inputs as instances[0] is, got ${jsonTypeOf(instance)}`);
      const own = namedTensors(instance, `instances[${i}]`).join(',');
      if (own !== names) fail(`instances[${i}] names inputs ${own}, instances[0] names ${names}: every instance must name the same inputs`);
    });
    return;
  }
  tensorShape(instances, 'instances');
}

/**
 * Validates a TF Serving predict request (JSON text, bytes, or a value already parsed). Returns
 * it; a SeldonPayloadError (400) names the field: "instances[1] has shape [3], instances[0] has [4]...".
 */
export function parseTfPredictRequest(message: unknown): TfPredictRequest {
  if (!isMapping(message)) fail(`a predict request must be a JSON object with instances or inputs, got ${jsonTypeOf(message)}`);
  if (message.signature_name !== undefined && typeof message.signature_name !== 'string') {
    fail(`signature_name must be a string, got ${jsonTypeOf(message.signature_name)}`);
  }
  const hasInstances = message.instances !== undefined;
  const hasInputs = message.inputs !== undefined;
  if (hasInstances && hasInputs) fail('only one of instances (row format) and inputs (columnar format) may be set');
  if (!hasInstances && !hasInputs) fail('missing instances (row format) or inputs (columnar format)');
  if (hasInstances) checkInstances(message.instances);
  else if (isMapping(message.inputs) && !isBinary(message.inputs)) namedTensors(message.inputs, 'inputs');
  else tensorShape(message.inputs, 'inputs');
  return message as TfPredictRequest;
}
