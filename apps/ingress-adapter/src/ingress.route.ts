import type { ServerResponse } from 'node:http';
import { answerNonPost, brokerOfPath, decodedSegments, errorBody, isBrokerPath, sendError, sendJson, type RawRoute } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import { Refusal, type FrontDoor } from './front-door';

const PREDICTION_PATH = /^\/seldon\/([^/]+)\/([^/]+)\/api\/v1\.0\/predictions\/?$/;

/**
 * CloudEvents at the broker URL forms (`POST /`, `POST /<namespace>/<broker>`), so clients do not
 * notice whether a broker or this adapter answers, and plain Seldon REST at the ingress-gateway
 * path. 202 with the accepted event ids; refusals as JSON with the reason.
 */
export function ingressRoute(door: FrontDoor, defaultBroker: BrokerRef): RawRoute {
  return {
    serves: (path) => isBrokerPath(path) || PREDICTION_PATH.test(path),
    async handle(request, res) {
      if (answerNonPost(request, res)) return;
      const prediction = deploymentOf(request.path);
      if (prediction) {
        return answer(res, async () => [await door.acceptPrediction(defaultBroker, prediction, request.headers, request.body)]);
      }
      const broker = brokerOfPath(request.path, defaultBroker);
      if (!broker) return sendError(res, 400, `'${request.path}' is not a /<namespace>/<broker> path`);
      return answer(res, () => door.acceptEvents(broker, request.headers, request.body));
    },
  };
}

async function answer(res: ServerResponse, accept: () => Promise<string[]>): Promise<void> {
  try {
    const ids = await accept();
    sendJson(res, 202, ids.length === 1 ? { id: ids[0] } : { ids });
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const body = errorBody(err.status, err.message);
    sendJson(res, err.status, err.accepted.length > 0 ? { ...body, accepted: err.accepted } : body);
  }
}

/** The deployment an ingress-gateway prediction path names; undefined for other paths. */
function deploymentOf(path: string): { namespace: string; deployment: string } | undefined {
  const [namespace, deployment] = decodedSegments(PREDICTION_PATH, path) ?? [];
  return namespace === undefined || deployment === undefined ? undefined : { namespace, deployment };
}
