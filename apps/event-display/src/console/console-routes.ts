import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createEvent, eventJson } from '@seldon-eventing/cloudevents';
import { withoutDeadLetterExtensions } from '@seldon-eventing/eventing';
import { requestType, SeldonPayloadError, validateRequest, type SeldonDeployment } from '@seldon-eventing/seldon';
import { answerNonPost, sendError, sendJson, type RawRequest, type RawRoute } from '@seldon-eventing/service';
import { SEND_ROUTES, SendFailed, type ConsoleSender, type SendRoute } from './console-sender';
import type { DeadLetters } from './dead-letters';

/** The source of the events the console composes. */
export const CONSOLE_SOURCE = 'seldon-eventing/console';

type Json = Record<string, unknown>;

/**
 * `POST /console/send` `{"deployment": "<namespace>/<name>", "payload": {...}, "via": "broker"|"ingress"}`:
 * a request event for a SeldonDeployment of the manifests, its payload checked against the
 * deployment's protocol first (400 with the reason, as the ingress-adapter would answer). The event
 * carries a fresh `seldonpuid`, which Seldon makes the response's id (libs/seldon response-event.ts),
 * so the console finds the response by it. 202 with the event sent.
 */
export function sendRoute(deployments: (ref: string) => SeldonDeployment | undefined, sender: ConsoleSender): RawRoute {
  return {
    serves: (path) => path === '/console/send',
    async handle(request: RawRequest, res: ServerResponse) {
      if (answerNonPost(request, res)) return;
      const body = jsonObject(request, res);
      if (!body) return;
      const via = routeOf(body.via, res);
      if (!via) return;
      if (typeof body.deployment !== 'string') return sendError(res, 400, '`deployment` must be a string `<namespace>/<name>`');
      const deployment = deployments(body.deployment);
      if (!deployment) return sendError(res, 404, `no SeldonDeployment ${body.deployment} in the manifests`);
      if (typeof body.payload !== 'object' || body.payload === null) return sendError(res, 400, '`payload` must be the JSON request body for the deployment');
      const data = Buffer.from(JSON.stringify(body.payload));
      try {
        validateRequest(deployment.protocol, data);
      } catch (err) {
        if (err instanceof SeldonPayloadError) return sendError(res, 400, err.message);
        throw err;
      }
      const puid = randomUUID();
      const event = createEvent({
        type: requestType({ deployment: deployment.name, namespace: deployment.namespace }),
        source: CONSOLE_SOURCE,
        datacontenttype: 'application/json',
        extensions: { seldonpuid: puid },
        data,
      });
      if (!(await sent(() => sender.send(event, via), res))) return;
      sendJson(res, 202, { id: event.id, puid, via, event: eventJson(event) });
    },
  };
}

/**
 * `POST /console/dead-letters/resend` `{"seq": N}` for one, `{}` for all: each dead letter sent again
 * without its `knativeerror*` extensions (`via` as for send, the broker by default), and forgotten
 * once sent. 200 with what was re-sent and what failed, and why.
 */
export function resendRoute(letters: DeadLetters, sender: ConsoleSender): RawRoute {
  return {
    serves: (path) => path === '/console/dead-letters/resend',
    async handle(request: RawRequest, res: ServerResponse) {
      if (answerNonPost(request, res)) return;
      const body = request.body.length === 0 ? {} : jsonObject(request, res);
      if (!body) return;
      const via = routeOf(body.via, res);
      if (!via) return;
      if (body.seq !== undefined && !Number.isInteger(body.seq)) return sendError(res, 400, '`seq` must be the number of a dead letter, or absent for all');
      const picked = letters.pick(body.seq === undefined ? undefined : [body.seq as number]);
      if (body.seq !== undefined && picked.length === 0) return sendError(res, 404, `no dead letter ${body.seq}`);
      const resent: number[] = [];
      const failed: { seq: number; error: string }[] = [];
      for (const letter of picked) {
        try {
          await sender.send(withoutDeadLetterExtensions(letter.event), via);
          letters.remove(letter.seq);
          resent.push(letter.seq);
        } catch (err) {
          if (!(err instanceof SendFailed)) throw err;
          failed.push({ seq: letter.seq, error: err.message });
        }
      }
      sendJson(res, failed.length > 0 && resent.length === 0 ? 502 : 200, { resent, failed });
    },
  };
}

/**
 * `GET /` from a browser (`Accept: text/html`) is sent on to the console; everything else at `/`
 * is what it was: a delivery on knative (`deliveries`), nothing on kafka.
 */
export function consoleEntryRoute(deliveries?: RawRoute['handle']): RawRoute {
  return {
    serves: (path) => path === '/',
    handle(request: RawRequest, res: ServerResponse) {
      if ((request.method === 'GET' || request.method === 'HEAD') && /\btext\/html\b/.test(request.headers.accept ?? '')) {
        res.writeHead(302, { location: '/console', 'content-length': 0 }).end();
        return;
      }
      if (deliveries) return deliveries(request, res);
      sendError(res, 404, 'nothing here: the console is at /console, the events at /events');
    },
  };
}

function jsonObject(request: RawRequest, res: ServerResponse): Json | undefined {
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8'));
  } catch (err) {
    sendError(res, 400, `the body must be a JSON object: ${(err as Error).message}`);
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sendError(res, 400, 'the body must be a JSON object');
    return undefined;
  }
  return body as Json;
}

function routeOf(via: unknown, res: ServerResponse): SendRoute | undefined {
  if (via === undefined) return 'broker';
  if (SEND_ROUTES.includes(via as SendRoute)) return via as SendRoute;
  sendError(res, 400, `\`via\` must be one of ${SEND_ROUTES.join(', ')}`);
  return undefined;
}

async function sent(send: () => Promise<void>, res: ServerResponse): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (err) {
    if (!(err instanceof SendFailed)) throw err;
    sendError(res, 502, err.message);
    return false;
  }
}
