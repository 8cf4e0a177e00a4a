import type { IncomingHttpHeaders } from 'node:http';

/** What a gate sees of a request: enough to decide before the body is read. */
export interface GateRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface GateRefusal {
  status: number;
  error: string;
  headers?: Record<string, string>;
}

/**
 * A check every request but the health checks passes before any route sees it (shutdown,
 * authentication): undefined lets it through, a refusal is answered as JSON at once. A gate
 * that needs I/O (a JWT whose keys come from a JWKS endpoint) answers with a Promise; the
 * others answer synchronously and cost no extra turn of the event loop.
 */
export type RequestGate = (request: GateRequest) => GateVerdict | Promise<GateVerdict>;

export type GateVerdict = GateRefusal | undefined;

/**
 * The first refusal of the gates, in order; synchronous as long as every gate before the
 * deciding one is.
 */
export function firstRefusal(gates: RequestGate[], request: GateRequest, from = 0): GateVerdict | Promise<GateVerdict> {
  for (let i = from; i < gates.length; i++) {
    const verdict = gates[i](request);
    if (verdict instanceof Promise) return verdict.then((refusal) => refusal ?? firstRefusal(gates, request, i + 1));
    if (verdict) return verdict;
  }
  return undefined;
}

/** Paths that stay open whatever else refuses requests: the health checks and the metrics. */
export const OPEN_PATHS = ['/healthz', '/readyz', '/metrics'];
