import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { toHttpBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import { gatewayTarget, isGatewayPath, SeldonPayloadError, STATUS_EXTENSION, type GatewayTarget } from '@seldon-eventing/seldon';
import { answerNonPost, brokerOfPath, errorBody, IngressMeter, isBrokerPath, sendError, sendJson, type RawRoute } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import { Refusal, type AwaitReply, type FrontDoor } from './front-door';
import { preferredWait } from './prefer-wait';
import type { PendingReply, ReplyWaiter } from './reply-waiter';

/**
 * CloudEvents at the broker URL forms (`POST /`, `POST /<namespace>/<broker>`), so clients do not
 * notice whether a broker or this adapter answers, and REST requests at the ingress-gateway
 * paths of every protocol (`/seldon/<namespace>/<deployment>/api/v1.0/predictions`,
 * `.../v1/models/<model>:predict`, `.../v2/models/<model>/infer`). 202 with the accepted event
 * ids; refusals as JSON with the reason.
 *
 * Request/reply: a request carrying RFC 7240 `Prefer: wait=<seconds>` (cut to `maxWaitSeconds`)
 * is answered with its prediction, as Seldon's REST API answers: the response event's data with
 * its content type, its attributes as `Ce-` headers (CloudEvents binary mode), status 200 (or
 * the predictor's own 4xx for a failed prediction, `seldonstatus`), and `Preference-Applied:
 * wait`. No answer in time: 504 with the puid, under which the response event still flows.
 * `maxWaitSeconds` undefined: no Trigger brings response events here, so no answer could ever
 * come, and the preference is not applied (RFC 7240 lets a server ignore a preference): 202.
 */
export function ingressRoute(
  door: Pick<FrontDoor, 'acceptEvents' | 'acceptPrediction'>,
  defaultBroker: BrokerRef,
  replies: ReplyWaiter,
  maxWaitSeconds: number | undefined,
): RawRoute {
  // Entries: CloudEvents at a broker URL form, or REST at an ingress-gateway path.
  const cloudEvents = new IngressMeter('cloudevents');
  const seldon = new IngressMeter('seldon');
  return {
    serves: (path) => isBrokerPath(path) || isGatewayPath(path),
    async handle(request, res) {
      if (answerNonPost(request, res)) return;
      const startedAt = performance.now();
      const gateway = isGatewayPath(request.path);
      const meter = gateway ? seldon : cloudEvents;
      const broker = gateway ? defaultBroker : brokerOfPath(request.path, defaultBroker);
      if (!broker) {
        cloudEvents.answered(undefined, 400, 1, startedAt);
        return sendError(res, 400, `'${request.path}' is not a /<namespace>/<broker> path`);
      }
      const count = (status: number, events: number) => meter.answered(status === 404 ? undefined : broker, status, events, startedAt);
      let waiter: ReplyRequest | undefined;
      try {
        const seconds = preferredWait(request.headers.prefer);
        if (seconds !== undefined && maxWaitSeconds !== undefined) waiter = new ReplyRequest(replies, Math.min(seconds, maxWaitSeconds), res);
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        count(err.status, 1);
        return sendError(res, err.status, err.message);
      }
      const hook = waiter?.hook;
      const accept = gateway
        ? async () => [await door.acceptPrediction(defaultBroker, targetOf(request.path), request.headers, request.body, hook)]
        : () => door.acceptEvents(broker, request.headers, request.body, hook);
      return respond(res, accept, count, waiter);
    },
  };
}

/**
 * One request waiting for its answer: gives its request event a puid if it has none (as Seldon's
 * executor makes one up), and waits for the response event of that puid from before the event
 * is published, so that no answer can come too early. A client that goes away stops the wait.
 */
class ReplyRequest {
  puid?: string;
  pending?: PendingReply;
  private readonly gone = new AbortController();

  constructor(
    private readonly replies: ReplyWaiter,
    readonly seconds: number,
    res: ServerResponse,
  ) {
    res.once('close', () => this.gone.abort());
  }

  readonly hook: AwaitReply = (event) => {
    const puid = event.extensions.seldonpuid || randomUUID();
    this.puid = puid;
    this.pending = this.replies.expect(puid, this.seconds * 1000, this.gone.signal);
    return puid === event.extensions.seldonpuid ? event : { ...event, extensions: { ...event.extensions, seldonpuid: puid } };
  };
}

/** Answers, and tells `count` what about: the events accepted, and a refusal (after any accepted before it). */
async function respond(res: ServerResponse, accept: () => Promise<string[]>, count: (status: number, events: number) => void, waiter?: ReplyRequest): Promise<void> {
  let ids: string[];
  try {
    ids = await accept();
  } catch (err) {
    waiter?.pending?.cancel();
    if (!(err instanceof Refusal)) throw err;
    if (err.accepted.length > 0) count(202, err.accepted.length);
    count(err.status, 1);
    const body = errorBody(err.status, err.message);
    return sendJson(res, err.status, err.accepted.length > 0 ? { ...body, accepted: err.accepted } : body);
  }
  count(202, ids.length);
  const accepted = ids.length === 1 ? { id: ids[0] } : { ids };
  // No wait preference, or nothing a predictor answers (a batch, another event): the preference is not applied.
  if (!waiter?.pending || !waiter.puid) return sendJson(res, 202, accepted);
  const event = await waiter.pending.reply;
  if (event) return sendReply(res, event);
  const error = `no response event for puid ${waiter.puid} within ${waiter.seconds} s; it is still published when the predictor answers`;
  sendJson(res, 504, { ...errorBody(504, error), ...accepted, puid: waiter.puid }, { 'preference-applied': 'wait' });
}

/** The response event as Seldon's REST API answers: its data, its attributes as `Ce-` headers. */
function sendReply(res: ServerResponse, event: CloudEvent): void {
  if (res.headersSent || res.destroyed) return;
  const { headers, body } = toHttpBinary(event);
  const failed = Number(event.extensions[STATUS_EXTENSION]);
  const status = Number.isInteger(failed) && failed >= 400 && failed <= 599 ? failed : 200;
  res.writeHead(status, { ...headers, 'preference-applied': 'wait', 'content-length': body?.length ?? 0 }).end(body);
}

function targetOf(path: string): GatewayTarget {
  try {
    return gatewayTarget(path) as GatewayTarget;
  } catch (err) {
    if (err instanceof SeldonPayloadError) throw new Refusal(err.status, err.message);
    throw err;
  }
}
