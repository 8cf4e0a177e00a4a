import type { ServerResponse } from 'node:http';
import { gatewayTarget, isGatewayPath, SeldonPayloadError, type GatewayTarget } from '@seldon-eventing/seldon';
import { answerNonPost, brokerOfPath, errorBody, IngressMeter, isBrokerPath, sendError, sendJson, type RawRoute } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import { Refusal, type FrontDoor } from './front-door';

/**
 * CloudEvents at the broker URL forms (`POST /`, `POST /<namespace>/<broker>`), so clients do not
 * notice whether a broker or this adapter answers, and REST requests at the ingress-gateway
 * paths of every protocol (`/seldon/<namespace>/<deployment>/api/v1.0/predictions`,
 * `.../v1/models/<model>:predict`, `.../v2/models/<model>/infer`). 202 with the accepted event
 * ids; refusals as JSON with the reason.
 */
export function ingressRoute(door: Pick<FrontDoor, 'acceptEvents' | 'acceptPrediction'>, defaultBroker: BrokerRef): RawRoute {
  // Entries: CloudEvents at a broker URL form, or REST at an ingress-gateway path.
  const cloudEvents = new IngressMeter('cloudevents');
  const seldon = new IngressMeter('seldon');
  return {
    serves: (path) => isBrokerPath(path) || isGatewayPath(path),
    async handle(request, res) {
      if (answerNonPost(request, res)) return;
      const startedAt = performance.now();
      if (isGatewayPath(request.path)) {
        const accept = async () => [await door.acceptPrediction(defaultBroker, targetOf(request.path), request.headers, request.body)];
        return respond(res, accept, (status, events) => seldon.answered(status === 404 ? undefined : defaultBroker, status, events, startedAt));
      }
      const broker = brokerOfPath(request.path, defaultBroker);
      if (!broker) {
        cloudEvents.answered(undefined, 400, 1, startedAt);
        return sendError(res, 400, `'${request.path}' is not a /<namespace>/<broker> path`);
      }
      const accept = () => door.acceptEvents(broker, request.headers, request.body);
      return respond(res, accept, (status, events) => cloudEvents.answered(status === 404 ? undefined : broker, status, events, startedAt));
    },
  };
}

/** Answers, and tells `count` what about: the events accepted, and a refusal (after any accepted before it). */
async function respond(res: ServerResponse, accept: () => Promise<string[]>, count: (status: number, events: number) => void): Promise<void> {
  try {
    const ids = await accept();
    count(202, ids.length);
    sendJson(res, 202, ids.length === 1 ? { id: ids[0] } : { ids });
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    if (err.accepted.length > 0) count(202, err.accepted.length);
    count(err.status, 1);
    const body = errorBody(err.status, err.message);
    sendJson(res, err.status, err.accepted.length > 0 ? { ...body, accepted: err.accepted } : body);
  }
}

function targetOf(path: string): GatewayTarget {
  try {
    return gatewayTarget(path) as GatewayTarget;
  } catch (err) {
    if (err instanceof SeldonPayloadError) throw new Refusal(err.status, err.message);
    throw err;
  }
}
