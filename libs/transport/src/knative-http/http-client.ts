import type { IncomingHttpHeaders } from 'node:http';
import { Agent } from 'undici';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Every event hop is one POST: the client's cost per request bounds throughput. undici's
// keep-alive pools measured ~40% less CPU per request than node:http's client on this path.
const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });

export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

/**
 * A request's time limit as the abort signal undici takes: any object with `aborted`, `reason`
 * and add/removeEventListener will do (undici lib/core/util.js addAbortListener). An
 * AbortController and its EventTarget per request were ~5% of the broker's CPU per event
 * (docs/performance.md). undici's own headersTimeout is no substitute: it always runs on its
 * coarse timers, which fire a 50 ms limit after half a second or more (lib/util/timers.js).
 */
class Deadline {
  aborted = false;
  reason?: HttpTimeoutError;
  private listeners: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number, url: URL) {
    this.timer = setTimeout(expire, ms, this, url, ms);
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  expire(reason: HttpTimeoutError): void {
    this.aborted = true;
    this.reason = reason;
    for (const listener of this.listeners) listener();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

function expire(deadline: Deadline, url: URL, ms: number): void {
  deadline.expire(new HttpTimeoutError(`no response from ${url.href} within ${ms} ms`));
}

/** POSTs a body and collects the whole response; rejects on network errors and timeouts. */
export async function httpPost(url: URL, headers: Record<string, string>, body: Buffer | undefined, timeoutMs?: number): Promise<HttpResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported URL scheme '${url.protocol}' in ${url.href}`);
  const deadline = timeoutMs === undefined ? undefined : new Deadline(timeoutMs, url);
  try {
    const res = await agent.request({ origin: url.origin, path: url.pathname + url.search, method: 'POST', headers, body: body ?? Buffer.alloc(0), signal: deadline });
    return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: Buffer.from(await res.body.arrayBuffer()) };
  } catch (err) {
    throw deadline?.aborted ? deadline.reason : err;
  } finally {
    deadline?.clear();
  }
}
