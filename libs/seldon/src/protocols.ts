import { parseTfPredictRequest } from './protocol-tensorflow';
import { parseJsonBody, parseSeldonMessage, SeldonPayloadError } from './protocol-v1';
import { parseV2InferenceRequest } from './protocol-v2';
import type { SeldonProtocol } from './paths';

/** What each protocol's request body is, for messages that tell a client what to send. */
export const REQUEST_EXAMPLES: Record<SeldonProtocol, string> = {
  seldon: '{"data":{"ndarray":[[5.1,3.5,1.4,0.2]]}}',
  tensorflow: '{"instances":[[5.1,3.5,1.4,0.2]]}',
  v2: '{"inputs":[{"name":"predict","shape":[1,4],"datatype":"FP64","data":[5.1,3.5,1.4,0.2]}]}',
};

const VALIDATORS: Record<SeldonProtocol, (message: unknown) => unknown> = {
  seldon: parseSeldonMessage,
  tensorflow: parseTfPredictRequest,
  v2: parseV2InferenceRequest,
};

/**
 * Validates a request body (JSON text or bytes) against a deployment's protocol, as its
 * predictor would take it. Returns the parsed body; a SeldonPayloadError (400) names the protocol
 * and the field: `invalid v2 request: inputs[0].shape [2,4] holds 8 values, data has 4`.
 */
export function validateRequest(protocol: SeldonProtocol, body: Buffer | string): unknown {
  const validate = VALIDATORS[protocol];
  if (!validate) throw new TypeError(`unknown Seldon protocol ${JSON.stringify(protocol)} (expected seldon, tensorflow or v2)`);
  try {
    return validate(parseJsonBody(body));
  } catch (err) {
    if (!(err instanceof SeldonPayloadError)) throw err;
    throw new SeldonPayloadError(`invalid ${protocol} request: ${err.message}`, err.status, err.reason);
  }
}
