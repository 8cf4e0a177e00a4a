import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { errorBody } from '../json-errors';

/** A request as a raw route sees it: the whole body already read, within the size limit. */
export interface RawRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A route served by plain node:http ahead of Nest and Express. Only the per-event hot paths
 * (ingresses, deliveries, predictions) are raw routes: the framework's router, body parser and
 * response helpers cost more CPU than the work those requests carry.
 */
export interface RawRoute {
  /** True when this route answers the path, whatever the method (it answers 405 itself). */
  serves(path: string): boolean;
  handle(request: RawRequest, res: ServerResponse): void | Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }).end(json);
}

export function sendError(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, errorBody(status, error), headers);
}

const ALLOW = 'POST, OPTIONS';

/**
 * Answers what an event ingress answers to anything but POST: OPTIONS as the CloudEvents webhook
 * handshake (200), other methods 405 with `Allow`. Returns true when it answered.
 */
export function answerNonPost(request: RawRequest, res: ServerResponse): boolean {
  if (request.method === 'POST') return false;
  if (request.method === 'OPTIONS') {
    const origin = request.headers['webhook-request-origin'];
    res.writeHead(200, { allow: ALLOW, 'webhook-allowed-origin': typeof origin === 'string' ? origin : '*', 'webhook-allowed-rate': '*', 'content-length': 0 }).end();
    return true;
  }
  sendError(res, 405, `method ${request.method} is not allowed; use POST`, { allow: ALLOW });
  return true;
}
