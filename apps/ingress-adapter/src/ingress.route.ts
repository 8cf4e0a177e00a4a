import type { ServerResponse } from 'node:http';
import { isSeldonIngressPath, SeldonPayloadError, seldonIngressDeployment, type DeploymentName } from '@seldon-eventing/seldon';
import { answerNonPost, brokerOfPath, errorBody, isBrokerPath, sendError, sendJson, type RawRoute } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import { Refusal, type FrontDoor } from './front-door';

/**
 * CloudEvents at the broker URL forms (`POST /`, `POST /<namespace>/<broker>`), so clients do not
 * notice whether a broker or this adapter answers, and plain Seldon REST at the ingress-gateway
 * path. 202 with the accepted event ids; refusals as JSON with the reason.
 */
export function ingressRoute(door: Pick<FrontDoor, 'acceptEvents' | 'acceptPrediction'>, defaultBroker: BrokerRef): RawRoute {
  return {
    serves: (path) => isBrokerPath(path) || isSeldonIngressPath(path),
    async handle(request, res) {
      if (answerNonPost(request, res)) return;
      if (isSeldonIngressPath(request.path)) {
        return respond(res, async () => [await door.acceptPrediction(defaultBroker, deploymentOf(request.path), request.headers, request.body)]);
      }
      const broker = brokerOfPath(request.path, defaultBroker);
      if (!broker) return sendError(res, 400, `'${request.path}' is not a /<namespace>/<broker> path`);
      return respond(res, () => door.acceptEvents(broker, request.headers, request.body));
    },
  };
}

async function respond(res: ServerResponse, accept: () => Promise<string[]>): Promise<void> {
  try {
    const ids = await accept();
    sendJson(res, 202, ids.length === 1 ? { id: ids[0] } : { ids });
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const body = errorBody(err.status, err.message);
    sendJson(res, err.status, err.accepted.length > 0 ? { ...body, accepted: err.accepted } : body);
  }
}

function deploymentOf(path: string): DeploymentName {
  try {
    return seldonIngressDeployment(path) as DeploymentName;
  } catch (err) {
    if (err instanceof SeldonPayloadError) throw new Refusal(err.status, err.message);
    throw err;
  }
}
