import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { AuthSettings } from '../auth.settings';
import type { GateRefusal, RequestGate } from '../http/request-gate';
import { bearerToken, sameToken } from './bearer';
import { algorithmsFor, jwtVerifier, KeysUnavailable, TokenRejected, type JwtCheck } from './jwt';

/** How an ingress authenticates requests: a static token, JWTs, or either. */
export interface IngressAuth {
  token?: string;
  jwt?: JwtCheck;
}

/**
 * Leeway for `exp` and `nbf`: one minute, as go-jose's `jwt.DefaultLeeway`, which Kubernetes'
 * service-account token validation uses.
 */
export const JWT_CLOCK_SKEW_SECONDS = 60;
/** jose's default: after a fetch, an unknown `kid` waits this long before the JWKS is fetched again. */
export const JWKS_COOLDOWN_MS = 30_000;
const MIN_SECRET_BYTES = 32;

/**
 * INGRESS_AUTH_TOKEN (a static bearer token) and/or INGRESS_JWT_AUDIENCE with one key source:
 * INGRESS_JWT_SECRET (HS256/384/512), INGRESS_JWT_PUBLIC_KEY_FILE (PEM: RSA, EC or Ed25519) or
 * INGRESS_JWT_JWKS_URL (an issuer's JWKS); INGRESS_JWT_ISSUER, when set, is the required `iss`.
 * Nothing set: authentication is off (undefined). Inconsistent settings stop the start.
 */
export function ingressAuth(settings: AuthSettings): IngressAuth | undefined {
  const { token, jwtAudience: audience, jwtIssuer: issuer, jwtSecret: secret, jwtPublicKeyFile: keyFile, jwtJwksUrl: jwksUrl } = settings;
  const keySources = [secret && 'INGRESS_JWT_SECRET', keyFile && 'INGRESS_JWT_PUBLIC_KEY_FILE', jwksUrl && 'INGRESS_JWT_JWKS_URL'].filter(Boolean);
  if (keySources.length > 1) throw new Error(`set one of INGRESS_JWT_SECRET, INGRESS_JWT_PUBLIC_KEY_FILE or INGRESS_JWT_JWKS_URL, not ${keySources.join(' and ')}`);
  if (audience && keySources.length === 0) {
    throw new Error('INGRESS_JWT_AUDIENCE needs a key to check tokens with: INGRESS_JWT_SECRET, INGRESS_JWT_PUBLIC_KEY_FILE or INGRESS_JWT_JWKS_URL');
  }
  if (!audience && (keySources.length > 0 || issuer)) throw new Error('a JWT setting is set but INGRESS_JWT_AUDIENCE is not: tokens need an audience to be checked against');
  if (secret && Buffer.byteLength(secret) < MIN_SECRET_BYTES) throw new Error(`INGRESS_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  if (!token && !audience) return undefined;
  const auth: IngressAuth = { token };
  if (audience) {
    const key = secret
      ? ({ kind: 'secret', secret: Buffer.from(secret, 'utf8') } as const)
      : keyFile
        ? ({ kind: 'public', key: publicKey(keyFile) } as const)
        : ({ kind: 'jwks', url: jwksLocation(jwksUrl as string), cooldownMs: JWKS_COOLDOWN_MS } as const);
    auth.jwt = { key, audience, issuer, clockSkewSeconds: JWT_CLOCK_SKEW_SECONDS };
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
  if (algorithmsFor({ kind: 'public', key }).length === 0) {
    const type = key.asymmetricKeyDetails?.namedCurve ? `${key.asymmetricKeyType} ${key.asymmetricKeyDetails.namedCurve}` : key.asymmetricKeyType;
    throw new Error(`INGRESS_JWT_PUBLIC_KEY_FILE ${file} holds a ${type} key; RSA, EC (P-256, P-384, P-521) or Ed25519 keys are supported`);
  }
  return key;
}

function jwksLocation(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`INGRESS_JWT_JWKS_URL is not a URL: ${text}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`INGRESS_JWT_JWKS_URL must be an http(s) URL, not ${url.protocol}`);
  return url;
}

/**
 * Guards every route of an ingress. The static token is compared at once; a JWT is verified
 * asynchronously (a JWKS may need fetching). A refused token gets 401 with
 * `WWW-Authenticate: Bearer` and a JSON reason naming the failed check; keys that cannot be
 * fetched get 503, so that senders retry. The reason is logged; the token never is.
 */
export function ingressAuthGate(auth: IngressAuth): RequestGate {
  const log = new Logger('IngressAuth');
  const verify = auth.jwt ? jwtVerifier(auth.jwt) : undefined;
  const refuse = (method: string, path: string, reason: string): GateRefusal => {
    log.warn(`${method} ${path} refused: ${reason}`);
    return { status: 401, error: reason, headers: { 'www-authenticate': reason === 'missing bearer token' ? 'Bearer' : 'Bearer error="invalid_token"' } };
  };
  return ({ method, path, headers }) => {
    const authorization = headers.authorization;
    if (!authorization) return refuse(method, path, 'missing bearer token');
    const token = bearerToken(authorization);
    if (!token) return refuse(method, path, 'the Authorization header is not a bearer token');
    if (auth.token && sameToken(token, auth.token)) return undefined;
    if (!verify) return refuse(method, path, 'invalid token');
    return verify(token).then(
      () => undefined,
      (err: unknown) => {
        if (err instanceof TokenRejected) return refuse(method, path, `invalid token: ${err.message}`);
        if (err instanceof KeysUnavailable) {
          log.error(`${method} ${path} not checked: ${err.message}`);
          return { status: 503, error: 'the token cannot be checked now: signing keys unavailable; retry later' };
        }
        throw err;
      },
    );
  };
}
