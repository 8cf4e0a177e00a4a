import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { parseJsonBody, parseV2InferenceRequest, protocolOfPath, SeldonPayloadError, type V2Error, type V2InferenceRequest } from '@seldon-eventing/seldon';
import { sendJson, type RawRoute } from '@seldon-eventing/service';
import type { LogisticRegressionModel } from './model/iris-model';
import { inferV2 } from './model/v2';
import { sendPrediction } from './send-prediction';

const log = new Logger('V2Inference');

const error = (message: string): V2Error => ({ error: message });

/** MLServer's ModelNotFound text (mlserver/errors.py). */
export const modelNotFound = (name: string): string => `Model ${name} not found`;

/**
 * The Open Inference Protocol's `POST /v2/models/<model>/infer` (and `/versions/<v>/infer`).
 * Answers as MLServer does: `id` is the request's, else a fresh UUID; errors are
 * `{"error": "..."}`, 404 for another model (ModelNotFound), 422 for a body that is no V2
 * request (MLServer's request validation; it lists pydantic's `detail` instead of one `error`),
 * 400 for a request the model cannot take (InferenceError).
 */
export function v2InferRoute(model: LogisticRegressionModel, modelName: string): RawRoute {
  return {
    serves: (path) => protocolOfPath(path)?.protocol === 'v2',
    handle(request, res) {
      if (request.method !== 'POST') return sendJson(res, 405, error(`method ${request.method} is not allowed; use POST`), { allow: 'POST' });
      const name = protocolOfPath(request.path)?.model as string;
      if (name !== modelName) return sendJson(res, 404, error(modelNotFound(name)));
      let inference: V2InferenceRequest;
      try {
        inference = parseV2InferenceRequest(parseJsonBody(request.body));
      } catch (err) {
        if (!(err instanceof SeldonPayloadError)) throw err;
        log.debug(`refused request: ${err.message}`);
        return sendJson(res, 422, error(err.message));
      }
      sendPrediction(res, log, () => inferV2(model, modelName, inference, inference.id ?? randomUUID()));
    },
  };
}
