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
 * authentication): undefined lets it through, a refusal is answered as JSON at once.
 */
export type RequestGate = (request: GateRequest) => GateRefusal | undefined;

/** Paths that stay open whatever else refuses requests. */
export const HEALTH_PATHS = ['/healthz', '/readyz'];
