import { answerNonPost, brokerOfPath, IngressMeter, isBrokerPath, sendError, type RawRoute } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import type { BrokerIngress } from './broker-ingress';

/**
 * The broker's HTTP surface, `POST /<namespace>/<broker>` and `POST /` for the default broker,
 * with methods and status codes as Knative's ingress answers them.
 */
export function ingressRoute(ingress: Pick<BrokerIngress, 'accept'>, defaultBroker: BrokerRef): RawRoute {
  const meter = new IngressMeter('broker');
  return {
    serves: isBrokerPath,
    async handle(request, res) {
      if (answerNonPost(request, res)) return;
      const startedAt = performance.now();
      const broker = brokerOfPath(request.path, defaultBroker);
      if (!broker) {
        meter.answered(undefined, 400, 1, startedAt);
        return sendError(res, 400, `'${request.path}' is not a /<namespace>/<broker> path`);
      }
      const result = await ingress.accept(broker, request.headers, request.body);
      meter.answered(result.status === 404 ? undefined : broker, result.status, 1, startedAt);
      if (result.error) sendError(res, result.status, result.error);
      else res.writeHead(result.status, { 'content-length': 0 }).end();
    },
  };
}
