import { Injectable } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { context } from '@opentelemetry/api';
import { failSpan, httpClientSpan, httpPost, HttpTimeoutError, inSpan, traceHeaders, type HttpResponse } from '@seldon-eventing/transport';
import { gatewayTarget, protocolOfPath, SELDON_PUID_HEADER, type SeldonProtocol } from '@seldon-eventing/seldon';
import { predictorRouterSettings } from './predictor-router.settings';
import type { PredictorTarget } from './predictor-targets';

/**
 * Predictor calls, under the name Seldon Core's executor gives its own client metric
 * (`seldon_api_executor_client_requests_seconds`, executor/api/metric/client.go), with its
 * `deployment_name` and `code` labels, plus `namespace` and `protocol`. The histogram's `_count`
 * is the number of calls by status; `code` is the HTTP status, `timeout` or `error` (unreachable).
 */
const clientRequests = new Histogram({
  name: 'seldon_api_executor_client_requests_seconds',
  help: 'Calls from the predictor-router to predictors: duration by deployment, namespace, protocol and answer',
  labelNames: ['deployment_name', 'namespace', 'protocol', 'code'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

/** The protocol a predictor URL speaks. An override URI may name any path: those of no protocol count as Seldon's, the default. */
export function protocolOfTarget(url: URL): SeldonProtocol {
  return (protocolOfPath(url.pathname) ?? gatewayTarget(url.pathname))?.protocol ?? 'seldon';
}

/**
 * Calls a predictor over HTTP with Seldon's request id header, in an HTTP client span (child of
 * the delivery being handled) whose `traceparent` header the predictor receives, so that a
 * predictor that traces continues the event's trace.
 */
@Injectable()
export class PredictorClient {
  private readonly timeoutMs = predictorRouterSettings.read().predictorTimeoutMs;

  predict(target: PredictorTarget, body: Buffer, contentType: string, puid: string): Promise<HttpResponse> {
    const { url, name } = target;
    const protocol = protocolOfTarget(url);
    const span = httpClientSpan('POST', url, { 'seldon.deployment': name.deployment, 'seldon.namespace': name.namespace, 'seldon.protocol': protocol, 'seldon.puid': puid });
    return inSpan(span, context.active(), async (active) => {
      const done = clientRequests.startTimer({ deployment_name: name.deployment, namespace: name.namespace, protocol });
      try {
        const response = await httpPost(url, { 'content-type': contentType, [SELDON_PUID_HEADER]: puid, ...traceHeaders() }, body, this.timeoutMs);
        done({ code: String(response.status) });
        if (active.isRecording()) {
          active.setAttribute('http.response.status_code', response.status);
          // HTTP client conventions: any status of 400 or more fails the call.
          if (response.status >= 400) failSpan(active, new Error(`predictor answered ${response.status}`), String(response.status));
        }
        return response;
      } catch (err) {
        done({ code: err instanceof HttpTimeoutError ? 'timeout' : 'error' });
        throw err;
      }
    });
  }
}
