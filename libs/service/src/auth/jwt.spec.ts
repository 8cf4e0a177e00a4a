import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { TokenRejected, verifyJwt, type JwtCheck } from './jwt';

const AUDIENCE = 'eventing.knative.dev/broker/default/default';
const SECRET = Buffer.from('a-shared-secret-of-at-least-32-bytes!!');
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const nowSeconds = NOW / 1000;

const b64 = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** Signs like a JWT library would: the independent half of these tests. */
function jwt(alg: string, claims: object, key: Buffer | KeyObject | undefined, header: object = {}): string {
  const signingInput = `${b64({ alg, typ: 'JWT', ...header })}.${b64(claims)}`;
  let signature = Buffer.alloc(0);
  if (alg.startsWith('HS')) signature = createHmac(`sha${alg.slice(2)}`, key as Buffer).update(signingInput).digest();
  else if (alg.startsWith('RS')) signature = sign(`sha${alg.slice(2)}`, Buffer.from(signingInput), key as KeyObject);
  else if (alg.startsWith('ES')) signature = sign(`sha${alg.slice(2)}`, Buffer.from(signingInput), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

const claims = (extra: object = {}) => ({ sub: 'system:serviceaccount:default:client', aud: AUDIENCE, exp: nowSeconds + 300, ...extra });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const secretCheck: JwtCheck = { key: { kind: 'secret', secret: SECRET }, audience: AUDIENCE, clockSkewSeconds: 60 };
const rsaCheck: JwtCheck = { key: { kind: 'public', key: rsa.publicKey }, audience: AUDIENCE, clockSkewSeconds: 60 };
const ecCheck: JwtCheck = { key: { kind: 'public', key: ec.publicKey }, audience: AUDIENCE, clockSkewSeconds: 60 };

const rejection = (token: string, check: JwtCheck): string => {
  try {
    verifyJwt(token, check, NOW);
  } catch (err) {
    expect(err).toBeInstanceOf(TokenRejected);
    return (err as Error).message;
  }
  throw new Error('the token was accepted');
};

describe('JWT checks for the ingress', () => {
  it('accepts a valid token signed with the shared secret, an RSA or an EC key', () => {
    expect(verifyJwt(jwt('HS256', claims(), SECRET), secretCheck, NOW)).toMatchObject({ aud: AUDIENCE });
    expect(verifyJwt(jwt('HS512', claims(), SECRET), secretCheck, NOW)).toMatchObject({ aud: AUDIENCE });
    expect(verifyJwt(jwt('RS256', claims(), rsa.privateKey), rsaCheck, NOW)).toMatchObject({ sub: 'system:serviceaccount:default:client' });
    expect(verifyJwt(jwt('ES256', claims(), ec.privateKey), ecCheck, NOW)).toMatchObject({ aud: AUDIENCE });
  });

  it('accepts an audience list that contains the audience', () => {
    expect(verifyJwt(jwt('HS256', claims({ aud: ['other', AUDIENCE] }), SECRET), secretCheck, NOW)).toBeDefined();
  });

  it('refuses a wrong signature: tampered claims, another secret, another key pair', () => {
    const [h, , s] = jwt('HS256', claims(), SECRET).split('.');
    expect(rejection(`${h}.${b64(claims({ sub: 'admin' }))}.${s}`, secretCheck)).toBe('bad signature');
    expect(rejection(jwt('HS256', claims(), Buffer.from('another-secret-that-is-also-32-bytes-long')), secretCheck)).toBe('bad signature');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(rejection(jwt('RS256', claims(), other.privateKey), rsaCheck)).toBe('bad signature');
    expect(rejection(jwt('ES256', claims(), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), ecCheck)).toBe('bad signature');
  });

  it('refuses expired and not-yet-valid tokens, within a small clock skew', () => {
    expect(rejection(jwt('HS256', claims({ exp: nowSeconds - 61 }), SECRET), secretCheck)).toBe('expired');
    expect(verifyJwt(jwt('HS256', claims({ exp: nowSeconds - 30 }), SECRET), secretCheck, NOW)).toBeDefined();
    expect(rejection(jwt('HS256', claims({ nbf: nowSeconds + 120 }), SECRET), secretCheck)).toBe('not valid yet (nbf)');
    expect(verifyJwt(jwt('HS256', claims({ nbf: nowSeconds + 30 }), SECRET), secretCheck, NOW)).toBeDefined();
    expect(rejection(jwt('HS256', claims({ exp: undefined }), SECRET), secretCheck)).toBe('no expiry (exp)');
  });

  it('refuses a token for another audience', () => {
    expect(rejection(jwt('HS256', claims({ aud: 'eventing.knative.dev/broker/default/other' }), SECRET), secretCheck)).toBe('wrong audience');
    expect(rejection(jwt('HS256', claims({ aud: undefined }), SECRET), secretCheck)).toBe('wrong audience');
  });

  it('refuses alg none, and an algorithm that does not fit the key (no HMAC with a public key)', () => {
    expect(rejection(`${b64({ alg: 'none' })}.${b64(claims())}.`, secretCheck)).toBe('malformed token');
    expect(rejection(`${b64({ alg: 'none' })}.${b64(claims())}.${b64(Buffer.from('x'))}`, secretCheck)).toBe('algorithm "none" is not accepted');
    const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(rejection(jwt('HS256', claims(), Buffer.from(publicPem)), rsaCheck)).toBe('algorithm HS256 does not fit the configured key');
    expect(rejection(jwt('RS256', claims(), rsa.privateKey), ecCheck)).toBe('algorithm RS256 does not fit the configured key');
  });

  it('refuses malformed tokens without throwing anything else', () => {
    const good = jwt('HS256', claims(), SECRET);
    const [h, p, s] = good.split('.');
    expect(rejection('not-a-jwt', secretCheck)).toBe('malformed token');
    expect(rejection(`${h}.${p}`, secretCheck)).toBe('malformed token');
    expect(rejection(`${h}.${p}.${s}.x`, secretCheck)).toBe('malformed token');
    expect(rejection(`${h}.p+y/=.${s}`, secretCheck)).toBe('malformed token');
    expect(rejection(`${b64(Buffer.from('{not json'))}.${p}.${s}`, secretCheck)).toBe('malformed token header');
    expect(rejection(jwt('HS256', [1, 2] as unknown as object, SECRET), secretCheck)).toBe('malformed token payload');
    expect(rejection(`${h}.${p}.${b64(Buffer.from('short'))}`, secretCheck)).toBe('bad signature');
    expect(rejection(jwt('ES256', claims(), ec.privateKey).replace(/\.[^.]+$/, `.${b64(Buffer.alloc(3))}`), ecCheck)).toBe('bad signature');
  });
});
