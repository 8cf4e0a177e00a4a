import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** A JWT refused, with a reason fit for logs and answers (never the token itself). */
export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
}

/** The keys could not be had (JWKS endpoint down or answering junk): not the client's fault. */
export class KeysUnavailable extends Error {
  override readonly name = 'KeysUnavailable';
}

/**
 * Where the verification keys come from: a shared secret (HS*), one public key (RSA, EC or
 * Ed25519), or a JWKS endpoint, as OIDC issuers such as Kubernetes' service-account issuer
 * publish, whose keys rotate. `cooldownMs`: how long after a fetch an unknown `kid` waits before
 * the set is fetched again.
 */
export type JwtKey = { kind: 'secret'; secret: Buffer } | { kind: 'public'; key: KeyObject } | { kind: 'jwks'; url: URL; cooldownMs: number };

export interface JwtCheck {
  key: JwtKey;
  /** Must be in the token's `aud` (a string or a list). */
  audience: string;
  /** When set, the token's `iss` must be exactly this. */
  issuer?: string;
  /** Tolerance for `exp` and `nbf`, for clocks that disagree a little. */
  clockSkewSeconds: number;
}

/** Checks a compact JWS token and resolves to its claims, or rejects with TokenRejected / KeysUnavailable. */
export type JwtVerifier = (token: string) => Promise<JWTPayload>;

const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALGORITHMS: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
// A JWKS is only ever trusted for asymmetric keys: an `oct` key published there would be an
// HMAC secret known to everyone who can read the endpoint.
const JWKS_ALGORITHMS = [...RSA_ALGORITHMS, ...Object.values(EC_ALGORITHMS), 'EdDSA'];

/**
 * The algorithms a key can check; `none` is never one, and HS* only for a secret, so that a
 * public key can never be used as an HMAC secret (algorithm confusion). Empty: an unusable key.
 */
export function algorithmsFor(key: JwtKey): string[] {
  if (key.kind === 'secret') return ['HS256', 'HS384', 'HS512'];
  if (key.kind === 'jwks') return JWKS_ALGORITHMS;
  switch (key.key.asymmetricKeyType) {
    case 'rsa':
      return RSA_ALGORITHMS;
    case 'ec': {
      const curve = key.key.asymmetricKeyDetails?.namedCurve;
      return curve && EC_ALGORITHMS[curve] ? [EC_ALGORITHMS[curve]] : [];
    }
    case 'ed25519':
      return ['EdDSA'];
    default:
      return [];
  }
}

/**
 * Builds the verifier once (for a JWKS, one key cache shared by every request). jose checks the
 * structure, `alg` against the allowed list, the signature, `exp` (required), `nbf`, `aud` and
 * `iss`. With a JWKS, jose picks the key by `kid` and, on an unknown `kid`, refetches the set
 * unless it fetched it less than `cooldownMs` ago, so a rotated-in key is picked up without
 * letting unknown kids hammer the issuer; the set is also refetched when older than 10 minutes.
 */
export function jwtVerifier(check: JwtCheck): JwtVerifier {
  const algorithms = algorithmsFor(check.key);
  const key = verificationKey(check.key);
  const options = {
    algorithms,
    audience: check.audience,
    issuer: check.issuer,
    clockTolerance: check.clockSkewSeconds,
    requiredClaims: ['exp'],
  };
  return async (token) => {
    try {
      // Overloads of jwtVerify differ by key type; both shapes are accepted at run time.
      const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, options);
      return payload;
    } catch (err) {
      throw rejection(err, token);
    }
  };
}

function verificationKey(key: JwtKey): KeyObject | Buffer | JWTVerifyGetKey {
  if (key.kind === 'secret') return key.secret;
  if (key.kind === 'public') return key.key;
  const remote = createRemoteJWKSet(key.url, { cooldownDuration: key.cooldownMs });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new KeysUnavailable(`the JWKS at ${key.url.href} cannot be had: ${(err as Error).message}`);
    }
  };
}

/** Turns jose's verdict into which check failed. */
function rejection(err: unknown, token: string): Error {
  if (err instanceof KeysUnavailable) return err;
  if (err instanceof errors.JWTExpired) return new TokenRejected('expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return new TokenRejected('wrong audience');
    if (err.claim === 'iss') return new TokenRejected('wrong issuer');
    if (err.claim === 'exp') return new TokenRejected('no expiry (exp)');
    if (err.claim === 'nbf') return new TokenRejected('not valid yet (nbf)');
    return new TokenRejected(`claim ${err.claim} ${err.reason}`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return new TokenRejected('bad signature');
  if (err instanceof errors.JWKSNoMatchingKey) return new TokenRejected('unknown key (kid)');
  if (err instanceof errors.JWKSMultipleMatchingKeys) return new TokenRejected('the token names no key (kid) and several fit');
  if (err instanceof errors.JOSEAlgNotAllowed) return new TokenRejected(`algorithm ${headerAlgorithm(token)} is not accepted for the configured key`);
  if (err instanceof errors.JOSEError) return new TokenRejected('malformed token');
  return err instanceof Error ? err : new Error(String(err));
}

/** The header's `alg`, shown only when it looks like an algorithm name, so that nothing else of the token is echoed. */
function headerAlgorithm(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    return typeof alg === 'string' && /^[A-Za-z0-9]{1,16}$/.test(alg) ? alg : '(unreadable)';
  } catch {
    return '(unreadable)';
  }
}
