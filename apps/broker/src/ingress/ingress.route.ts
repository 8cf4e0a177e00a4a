import { answeredNonPost, sendError, type RawRoute } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import type { BrokerIngress } from './broker-ingress';

const BROKER_PATH = /^\/([^/]+)\/([^/]+)\/?$/;

/**
 * The broker's HTTP surface, `POST /<namespace>/<broker>` and `POST /` for the default broker,
 * with methods and status codes as Knative's ingress answers them.
 */
export function ingressRoute(ingress: BrokerIngress, defaultBroker: BrokerRef): RawRoute {
  return {
    serves: (path) => path === '/' || BROKER_PATH.test(path),
    async handle(request, res) {
      if (answeredNonPost(request, res)) return;
      const broker = request.path === '/' ? defaultBroker : brokerOf(request.path);
      if (!broker) return sendError(res, 400, `'${request.path}' is not a /<namespace>/<broker> path`);
      const result = await ingress.accept(broker, request.headers, request.body);
      if (result.error) sendError(res, result.status, result.error);
      else res.writeHead(result.status, { 'content-length': 0 }).end();
    },
  };
}

function brokerOf(path: string): BrokerRef | undefined {
  const [, namespace, name] = BROKER_PATH.exec(path) ?? [];
  try {
    return { namespace: decodeURIComponent(namespace), name: decodeURIComponent(name) };
  } catch {
    return undefined;
  }
}
