import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import type { RawRequest, RawRoute } from './raw-route';
import { sendError } from './raw-route';
import { firstRefusal, OPEN_PATHS, type GateVerdict, type RequestGate } from './request-gate';

const log = new Logger('RawRoutes');

/**
 * The HTTP server's request listener: it takes every request before the framework does.
 *
 * 1. Every gate (shutdown, authentication) checks the request, health checks aside; the first
 *    refusal is the answer, before the body is read (see firstRefusal for asynchronous gates).
 * 2. A path a raw route serves goes to it with its body read (413 above the limit), never to
 *    Express's router or body parser; every other request (health, event listings, unknown
 *    paths) goes to `framework`, the Express app Nest serves through (Nest's documented way to
 *    serve an app from a server of one's own: docs.nestjs.com/faq/multiple-servers).
 */
export function frontListener(gates: RequestGate[], routes: RawRoute[], maxBodyBytes: number, framework: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const method = req.method ?? 'GET';
    const dispatch = () => {
      const route = routes.find((r) => r.serves(path));
      if (!route) {
        framework(req, res);
        return;
      }
      readBody(req, res, maxBodyBytes, (body) => serve(route, { method, path, headers: req.headers, body }, res));
    };
    const verdict = OPEN_PATHS.includes(path) ? undefined : firstRefusal(gates, { method, path, headers: req.headers });
    // The body stays unread (the stream paused) while an asynchronous gate decides.
    if (verdict instanceof Promise) verdict.then((refusal) => answerOrDispatch(refusal, res, dispatch), (err: unknown) => failed(err, res));
    else answerOrDispatch(verdict, res, dispatch);
  };
}

function answerOrDispatch(refusal: GateVerdict, res: ServerResponse, dispatch: () => void): void {
  if (refusal) sendError(res, refusal.status, refusal.error, refusal.headers);
  else dispatch();
}

function failed(err: unknown, res: ServerResponse): void {
  log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  sendError(res, 500, 'internal error');
}

function serve(route: RawRoute, request: RawRequest, res: ServerResponse): void {
  try {
    const pending = route.handle(request, res);
    if (pending) pending.catch((err: unknown) => failed(err, res));
  } catch (err) {
    failed(err, res);
  }
}

/**
 * Reads the whole body, or answers 413 as soon as it is known to exceed the limit (from
 * Content-Length before reading, else while reading) and closes the connection, since the
 * rest of an oversized body is not worth receiving.
 */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number, done: (body: Buffer) => void): void {
  const tooLarge = () => {
    sendError(res, 413, `request body exceeds the limit of ${limit} bytes`, { connection: 'close' });
    req.destroy();
  };
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.removeAllListeners('data');
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (size <= limit) done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
  });
  // A client that goes away mid-body gets no answer; there is nobody left to read one.
  req.on('error', () => req.destroy());
}
