import type { RequestGate } from './http/request-gate';
import type { Readiness } from './readiness';

/**
 * Once shutdown has begun, new requests are refused with 503 and their connection closed, so
 * that clients and brokers retry elsewhere or later while the work already taken finishes.
 */
export function intakeGate(readiness: Readiness): RequestGate {
  return () => (readiness.isStopping ? { status: 503, error: 'shutting down; retry later', headers: { connection: 'close' } } : undefined);
}
