import type { Request, Response } from 'express';
import { errorBody } from './json-errors';

const ALLOW = 'POST, OPTIONS';

/**
 * Answers what an event ingress answers to anything but POST: OPTIONS as the CloudEvents webhook
 * handshake (200), other methods 405 with `Allow`. Returns true when it answered.
 */
export function answeredNonPost(req: Request, res: Response): boolean {
  if (req.method === 'POST') return false;
  if (req.method === 'OPTIONS') {
    res.set({ allow: ALLOW, 'webhook-allowed-origin': req.get('webhook-request-origin') ?? '*', 'webhook-allowed-rate': '*' });
    res.status(200).end();
    return true;
  }
  res.set('allow', ALLOW).status(405).json(errorBody(405, `method ${req.method} is not allowed; use POST`));
  return true;
}

export function bodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}
