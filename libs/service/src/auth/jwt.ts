import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/** A JWT refused, with a reason fit for logs and answers (never the token itself). */
export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
}

/** HS* with a shared secret, or RS* / ES* with a public key. */
export type JwtKey = { kind: 'secret'; secret: Buffer } | { kind: 'public'; key: KeyObject };

export interface JwtCheck {
  key: JwtKey;
  /** Must be in the token's `aud` (a string or a list). */
  audience: string;
  /** Tolerance for `exp` and `nbf`, for clocks that disagree a little. */
  clockSkewSeconds: number;
}

type Algorithm = { key: 'secret' | 'rsa' | 'ec'; hash: 'sha256' | 'sha384' | 'sha512' };

// `none` is absent on purpose, and an algorithm is only accepted for its kind of key, so that a
// public key can never be used as an HMAC secret.
const ALGORITHMS: Record<string, Algorithm> = {
  HS256: { key: 'secret', hash: 'sha256' },
  HS384: { key: 'secret', hash: 'sha384' },
  HS512: { key: 'secret', hash: 'sha512' },
  RS256: { key: 'rsa', hash: 'sha256' },
  RS384: { key: 'rsa', hash: 'sha384' },
  RS512: { key: 'rsa', hash: 'sha512' },
  ES256: { key: 'ec', hash: 'sha256' },
  ES384: { key: 'ec', hash: 'sha384' },
  ES512: { key: 'ec', hash: 'sha512' },
};

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Verifies a compact JWS token and returns its claims.
 *
 * 1. Three base64url parts; the header and the payload are JSON objects.
 * 2. The header's `alg` is one this key can check (never `none`), and the signature holds.
 * 3. `exp` is present and not past; `nbf`, if present, is not ahead (both give or take the skew).
 * 4. `aud` names the audience.
 */
export function verifyJwt(token: string, check: JwtCheck, nowMs = Date.now()): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) throw new TokenRejected('malformed token');
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = jsonObject(headerPart, 'header');
  const algorithm = typeof header.alg === 'string' ? ALGORITHMS[header.alg] : undefined;
  if (!algorithm) throw new TokenRejected(`algorithm ${JSON.stringify(String(header.alg))} is not accepted`);
  if (!keyFits(check.key, algorithm)) throw new TokenRejected(`algorithm ${header.alg} does not fit the configured key`);
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (!signatureHolds(check.key, algorithm, signed, Buffer.from(signaturePart, 'base64url'))) throw new TokenRejected('bad signature');

  const claims = jsonObject(payloadPart, 'payload');
  const now = nowMs / 1000;
  if (typeof claims.exp !== 'number') throw new TokenRejected('no expiry (exp)');
  if (now > claims.exp + check.clockSkewSeconds) throw new TokenRejected('expired');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now + check.clockSkewSeconds < claims.nbf)) {
    throw new TokenRejected('not valid yet (nbf)');
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(check.audience)) throw new TokenRejected('wrong audience');
  return claims;
}

function jsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenRejected(`malformed token ${what}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TokenRejected(`malformed token ${what}`);
  return value as Record<string, unknown>;
}

function keyFits(key: JwtKey, algorithm: Algorithm): boolean {
  return key.kind === 'secret' ? algorithm.key === 'secret' : key.key.asymmetricKeyType === algorithm.key;
}

function signatureHolds(key: JwtKey, algorithm: Algorithm, signed: Buffer, signature: Buffer): boolean {
  if (key.kind === 'secret') {
    const expected = createHmac(algorithm.hash, key.secret).update(signed).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  try {
    // JWS carries ECDSA signatures as r || s, not DER.
    return verify(algorithm.hash, signed, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
