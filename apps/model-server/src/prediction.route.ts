import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { isSeldonIngressPath, parseSeldonMessage, seldonError, seldonIngressDeployment, SELDON_PUID_HEADER, SeldonPayloadError } from '@seldon-eventing/seldon';
import { sendJson, type RawRequest, type RawRoute } from '@seldon-eventing/service';
import { contextFromHeaders, failSpan, httpServerSpan, inSpan } from '@seldon-eventing/transport';
import type { LogisticRegressionModel } from './model/iris-model';
import { predictMessage } from './model/prediction';

/** The response header, spelled as the executor sends it. */
const PUID_RESPONSE_HEADER = 'Seldon-Puid';

const PREDICTION_PATHS = new Set(['/api/v1.0/predictions', '/api/v0.1/predictions', '/predict']);

const log = new Logger('Predictions');

/**
 * Seldon protocol v1 predictions, at the paths a Seldon predictor answers on:
 * `/api/v1.0/predictions` (and v0.1), the ingress gateway form
 * `/seldon/<namespace>/<deployment>/api/v1.0/predictions`, and the Python wrapper's `/predict`.
 *
 * 1. Only POST (405 otherwise, as Flask answers); gateway names must be DNS labels (404).
 * 2. The puid is the Seldon-Puid header, else `meta.puid`, else a fresh UUID (the executor makes
 *    one up too); it goes back in the Seldon-Puid header, on failures too, and in `meta.puid`.
 * 3. Failures answer Seldon's FAILURE body: a bad payload 400 MICROSERVICE_BAD_DATA, a bug 500
 *    MICROSERVICE_INTERNAL_ERROR, as the Python wrapper's handlers do.
 * A prediction is an HTTP server span continuing the caller's `traceparent`.
 */
export function predictionRoute(model: LogisticRegressionModel): RawRoute {
  return {
    serves: (path) => PREDICTION_PATHS.has(path) || isSeldonIngressPath(path),
    handle(request, res) {
      if (request.method !== 'POST') return sendJson(res, 405, seldonError(405, `method ${request.method} is not allowed; use POST`), { allow: 'POST' });
      try {
        seldonIngressDeployment(request.path);
      } catch (err) {
        if (!(err instanceof SeldonPayloadError)) throw err;
        return sendJson(res, err.status, err.toSeldonStatus());
      }
      return inSpan(httpServerSpan('POST', request.path), contextFromHeaders(request.headers), (span) => {
        predict(model, request, res);
        if (!span.isRecording()) return;
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) failSpan(span, new Error(`answered ${res.statusCode}`), String(res.statusCode));
      });
    },
  };
}

function predict(model: LogisticRegressionModel, request: RawRequest, res: ServerResponse): void {
  const header = request.headers[SELDON_PUID_HEADER];
  let puid = typeof header === 'string' && header !== '' ? header : undefined;
  try {
    const message = parseSeldonMessage(request.body);
    const metaPuid = message.meta?.puid;
    if (!puid && typeof metaPuid === 'string' && metaPuid !== '') puid = metaPuid;
    puid ??= randomUUID();
    sendJson(res, 200, predictMessage(model, message, puid), { [PUID_RESPONSE_HEADER]: puid });
  } catch (err) {
    const headers = { [PUID_RESPONSE_HEADER]: puid ?? randomUUID() };
    if (err instanceof SeldonPayloadError) {
      log.debug(`refused payload: ${err.message}`);
      return sendJson(res, err.status, err.toSeldonStatus(), headers);
    }
    log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    sendJson(res, 500, seldonError(500, 'internal error'), headers);
  }
}
