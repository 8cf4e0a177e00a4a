import { answerNonPost, brokerOfPath, isBrokerPath, sendError, type RawRoute } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import type { BrokerIngress } from './broker-ingress';

/**
 * The broker's HTTP surface, `POST /<namespace>/<broker>` and `POST /` for the default broker,
 * with methods and status codes as Knative's ingress answers them.
 */
export function ingressRoute(ingress: BrokerIngress, defaultBroker: BrokerRef): RawRoute {
  return {
    serves: isBrokerPath,
    async handle(request, res) {
      if (answerNonPost(request, res)) return;
      const broker = brokerOfPath(request.path, defaultBroker);
      if (!broker) return sendError(res, 400, `'${request.path}' is not a /<namespace>/<broker> path`);
      const result = await ingress.accept(broker, request.headers, request.body);
      if (result.error) sendError(res, result.status, result.error);
      else res.writeHead(result.status, { 'content-length': 0 }).end();
    },
  };
}
