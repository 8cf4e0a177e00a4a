import type { NextFunction, Request, Response } from 'express';
import { HEALTH_PATHS } from './health.controller';
import { errorBody } from './json-errors';
import type { Readiness } from './readiness';

/**
 * Once shutdown has begun, new requests are refused with 503 (health checks aside) and their
 * connection closed, so that clients and brokers retry elsewhere or later while the work already
 * taken finishes.
 */
export function intakeGate(readiness: Readiness) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!readiness.isStopping || HEALTH_PATHS.includes(req.path)) return next();
    res.set('connection', 'close').status(503).json(errorBody(503, 'shutting down; retry later'));
  };
}
