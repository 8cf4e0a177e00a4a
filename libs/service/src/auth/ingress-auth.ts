import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { RequestGate } from '../http/request-gate';
import { bearerToken, sameToken } from './bearer';
import { TokenRejected, verifyJwt, type JwtCheck } from './jwt';

/** How an ingress authenticates requests: a static token, JWTs, or either. */
export interface IngressAuth {
  token?: string;
  jwt?: JwtCheck;
}

export const JWT_CLOCK_SKEW_SECONDS = 60;
const MIN_SECRET_BYTES = 32;

/**
 * INGRESS_AUTH_TOKEN (a static bearer token) and/or INGRESS_JWT_AUDIENCE with a key:
 * INGRESS_JWT_SECRET (HS256/384/512) or INGRESS_JWT_PUBLIC_KEY_FILE (PEM; RS* or ES*).
 * Nothing set: authentication is off (undefined). Inconsistent settings stop the start.
 */
export function ingressAuthFromEnv(env: NodeJS.ProcessEnv = process.env): IngressAuth | undefined {
  const token = env.INGRESS_AUTH_TOKEN || undefined;
  const audience = env.INGRESS_JWT_AUDIENCE || undefined;
  const secret = env.INGRESS_JWT_SECRET || undefined;
  const keyFile = env.INGRESS_JWT_PUBLIC_KEY_FILE || undefined;
  if (secret && keyFile) throw new Error('set INGRESS_JWT_SECRET or INGRESS_JWT_PUBLIC_KEY_FILE, not both');
  if (audience && !secret && !keyFile) {
    throw new Error('INGRESS_JWT_AUDIENCE needs a key to check tokens with: INGRESS_JWT_SECRET (HS256) or INGRESS_JWT_PUBLIC_KEY_FILE (RS256/ES256)');
  }
  if (!audience && (secret || keyFile)) throw new Error('a JWT key is set but INGRESS_JWT_AUDIENCE is not: tokens need an audience to be checked against');
  if (secret && Buffer.byteLength(secret) < MIN_SECRET_BYTES) throw new Error(`INGRESS_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  if (!token && !audience) return undefined;
  const auth: IngressAuth = { token };
  if (audience) {
    const key = secret ? ({ kind: 'secret', secret: Buffer.from(secret, 'utf8') } as const) : ({ kind: 'public', key: publicKey(keyFile as string) } as const);
    auth.jwt = { key, audience, clockSkewSeconds: JWT_CLOCK_SKEW_SECONDS };
  }
  return auth;
}

function publicKey(file: string): KeyObject {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new Error(`INGRESS_JWT_PUBLIC_KEY_FILE ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error(`INGRESS_JWT_PUBLIC_KEY_FILE ${file} does not hold a PEM public key`);
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') {
    throw new Error(`INGRESS_JWT_PUBLIC_KEY_FILE ${file} holds a ${key.asymmetricKeyType} key; RSA (RS256) or EC (ES256) keys are supported`);
  }
  return key;
}

/** Undefined when the Authorization header passes; otherwise why not, fit to log and answer. */
export function refusal(auth: IngressAuth, authorization: string | undefined): string | undefined {
  if (!authorization) return 'missing bearer token';
  const token = bearerToken(authorization);
  if (!token) return 'the Authorization header is not a bearer token';
  if (auth.token && sameToken(token, auth.token)) return undefined;
  if (!auth.jwt) return 'invalid token';
  try {
    verifyJwt(token, auth.jwt);
    return undefined;
  } catch (err) {
    if (err instanceof TokenRejected) return `invalid token: ${err.message}`;
    throw err;
  }
}

/**
 * Guards every route of an ingress: 401 with `WWW-Authenticate: Bearer` and a JSON reason. The
 * reason is logged; the token never is.
 */
export function ingressAuthGate(auth: IngressAuth): RequestGate {
  const log = new Logger('IngressAuth');
  return ({ method, path, headers }) => {
    const authorization = headers.authorization;
    const reason = refusal(auth, authorization);
    if (!reason) return undefined;
    log.warn(`${method} ${path} refused: ${reason}`);
    return { status: 401, error: reason, headers: { 'www-authenticate': authorization ? 'Bearer error="invalid_token"' : 'Bearer' } };
  };
}
