import { parseTfPredictRequest } from './protocol-tensorflow';
import { parseJsonBody, parseSeldonMessage, SeldonPayloadError } from './protocol-v1';
import { parseV2InferenceRequest } from './protocol-v2';
import type { SeldonProtocol } from './paths';

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
