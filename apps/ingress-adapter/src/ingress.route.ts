import type { ServerResponse } from 'node:http';
import { answeredNonPost, errorBody, sendError, sendJson, type RawRequest, type RawRoute } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import { Refusal, type FrontDoor } from './front-door';

const BROKER_PATH = /^\/([^/]+)\/([^/]+)\/?$/;
const PREDICTION_PATH = /^\/seldon\/([^/]+)\/([^/]+)\/api\/v1\.0\/predictions\/?$/;

/**
 * CloudEvents at the broker URL forms (`POST /`, `POST /<namespace>/<broker>`), so clients do not
 * notice whether a broker or this adapter answers, and plain Seldon REST at the ingress-gateway
 * path. 202 with the accepted event ids; refusals as JSON with the reason.
 */
export function ingressRoute(door: FrontDoor, defaultBroker: BrokerRef): RawRoute {
  return {
    serves: (path) => path === '/' || BROKER_PATH.test(path) || PREDICTION_PATH.test(path),
    async handle(request, res) {
      if (answeredNonPost(request, res)) return;
      const prediction = segments(PREDICTION_PATH, request.path);
      if (prediction) {
        const [namespace, deployment] = prediction;
        return answer(res, async () => [await door.acceptPrediction(defaultBroker, { deployment, namespace }, request.headers, request.body)]);
      }
      const named = request.path === '/' ? [defaultBroker.namespace, defaultBroker.name] : segments(BROKER_PATH, request.path);
      if (!named) return sendError(res, 400, `'${request.path}' is not a /<namespace>/<broker> path`);
      const [namespace, name] = named;
      return answer(res, () => door.acceptEvents({ namespace, name }, request.headers, request.body));
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

/** The path's two captured segments, URI-decoded; undefined when it does not match or decode. */
function segments(pattern: RegExp, path: RawRequest['path']): [string, string] | undefined {
  const match = pattern.exec(path);
  if (!match) return undefined;
  try {
    return [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
  } catch {
    return undefined;
  }
}
