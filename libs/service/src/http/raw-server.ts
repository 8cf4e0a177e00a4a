import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import type { RawRequest, RawRoute } from './raw-route';
import { sendError } from './raw-route';

const log = new Logger('RawRoutes');

/**
 * Puts raw routes in front of the framework on the app's HTTP server: a request whose path a
 * raw route serves never reaches Express; every other request (health, event listings) does.
 */
export function installRawRoutes(server: Server, routes: RawRoute[], maxBodyBytes: number): void {
  if (routes.length === 0) return;
  const framework = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const route = routes.find((r) => r.serves(path));
    if (!route) {
      for (const listener of framework) listener(req, res);
      return;
    }
    readBody(req, res, maxBodyBytes, (body) => serve(route, { method: req.method ?? 'GET', path, headers: req.headers, body }, res));
  });
}

function serve(route: RawRoute, request: RawRequest, res: ServerResponse): void {
  const failed = (err: unknown) => {
    log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    sendError(res, 500, 'internal error');
  };
  try {
    const pending = route.handle(request, res);
    if (pending) pending.catch(failed);
  } catch (err) {
    failed(err);
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
