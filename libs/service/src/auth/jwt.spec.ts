import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { jwtVerifier, KeysUnavailable, TokenRejected, type JwtCheck, type JwtKey, type JwtVerifier } from './jwt';

const AUDIENCE = 'eventing.knative.dev/broker/default/default';
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const SECRET = Buffer.from('a-shared-secret-of-at-least-32-bytes!!');
const SUBJECT = 'system:serviceaccount:default:client';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64 = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** Signs with jose: the claims a client would send, valid unless overridden. */
function signed(alg: string, key: KeyObject | Uint8Array, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const jwt = new SignJWT({ sub: SUBJECT, aud: AUDIENCE, iss: ISSUER, exp: nowSeconds() + 300, ...claims });
  return jwt.setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(key);
}

const check = (key: JwtKey, extra: Partial<JwtCheck> = {}): JwtCheck => ({ key, audience: AUDIENCE, clockSkewSeconds: 60, ...extra });
const secretKey: JwtKey = { kind: 'secret', secret: SECRET };

async function rejection(token: string, jwt: JwtCheck | JwtVerifier): Promise<string> {
  const verify = typeof jwt === 'function' ? jwt : jwtVerifier(jwt);
  const verdict = await verify(token).then(
    () => new Error('the token was accepted'),
    (err: unknown) => err,
  );
  expect(verdict).toBeInstanceOf(TokenRejected);
  return (verdict as Error).message;
}

describe('JWT checks with a secret or a public key', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsaCheck = check({ kind: 'public', key: rsa.publicKey });
  const ecCheck = check({ kind: 'public', key: ec.publicKey });

  it('accepts a valid token signed with the shared secret, an RSA or an EC key, and returns its claims', async () => {
    await expect(jwtVerifier(check(secretKey))(await signed('HS256', SECRET))).resolves.toMatchObject({ aud: AUDIENCE, sub: SUBJECT });
    await expect(jwtVerifier(check(secretKey))(await signed('HS512', SECRET))).resolves.toMatchObject({ aud: AUDIENCE });
    await expect(jwtVerifier(rsaCheck)(await signed('RS256', rsa.privateKey))).resolves.toMatchObject({ sub: SUBJECT });
    await expect(jwtVerifier(rsaCheck)(await signed('PS256', rsa.privateKey))).resolves.toMatchObject({ sub: SUBJECT });
    await expect(jwtVerifier(ecCheck)(await signed('ES256', ec.privateKey))).resolves.toMatchObject({ aud: AUDIENCE });
  });

  it('accepts an audience list that contains the audience', async () => {
    await expect(jwtVerifier(check(secretKey))(await signed('HS256', SECRET, { aud: ['other', AUDIENCE] }))).resolves.toBeDefined();
  });

  it('refuses a wrong signature: tampered claims, another secret, another key pair', async () => {
    const [h, , s] = (await signed('HS256', SECRET)).split('.');
    expect(await rejection(`${h}.${b64({ sub: 'admin', aud: AUDIENCE, exp: nowSeconds() + 300 })}.${s}`, check(secretKey))).toBe('bad signature');
    expect(await rejection(await signed('HS256', Buffer.from('another-secret-that-is-also-32-bytes-long')), check(secretKey))).toBe('bad signature');
    expect(await rejection(await signed('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey), rsaCheck)).toBe('bad signature');
    expect(await rejection(await signed('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), ecCheck)).toBe('bad signature');
  });

  it('refuses expired, not-yet-valid and expiry-less tokens, within a clock skew of a minute', async () => {
    const jwt = check(secretKey);
    expect(await rejection(await signed('HS256', SECRET, { exp: nowSeconds() - 61 }), jwt)).toBe('expired');
    await expect(jwtVerifier(jwt)(await signed('HS256', SECRET, { exp: nowSeconds() - 30 }))).resolves.toBeDefined();
    expect(await rejection(await signed('HS256', SECRET, { nbf: nowSeconds() + 120 }), jwt)).toBe('not valid yet (nbf)');
    await expect(jwtVerifier(jwt)(await signed('HS256', SECRET, { nbf: nowSeconds() + 30 }))).resolves.toBeDefined();
    expect(await rejection(await signed('HS256', SECRET, { exp: undefined }), jwt)).toBe('no expiry (exp)');
  });

  it('refuses a token for another audience, and one from another issuer when an issuer is required', async () => {
    expect(await rejection(await signed('HS256', SECRET, { aud: 'eventing.knative.dev/broker/default/other' }), check(secretKey))).toBe('wrong audience');
    expect(await rejection(await signed('HS256', SECRET, { aud: undefined }), check(secretKey))).toBe('wrong audience');
    const withIssuer = check(secretKey, { issuer: ISSUER });
    await expect(jwtVerifier(withIssuer)(await signed('HS256', SECRET))).resolves.toBeDefined();
    expect(await rejection(await signed('HS256', SECRET, { iss: 'https://attacker.example' }), withIssuer)).toBe('wrong issuer');
    expect(await rejection(await signed('HS256', SECRET, { iss: undefined }), withIssuer)).toBe('wrong issuer');
  });

  it('refuses alg none, and an algorithm that does not fit the key (no HMAC keyed with a public key)', async () => {
    const claims = { aud: AUDIENCE, exp: nowSeconds() + 300 };
    expect(await rejection(`${b64({ alg: 'none' })}.${b64(claims)}.`, check(secretKey))).toBe('algorithm none is not accepted for the configured key');
    expect(await rejection(`${b64({ alg: 'none' })}.${b64(claims)}.`, rsaCheck)).toBe('algorithm none is not accepted for the configured key');
    // Algorithm confusion: HS256 keyed with the server's public key, which anyone may have.
    const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    const confused = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    expect(await rejection(confused, rsaCheck)).toBe('algorithm HS256 is not accepted for the configured key');
    expect(await rejection(await signed('RS256', rsa.privateKey), ecCheck)).toBe('algorithm RS256 is not accepted for the configured key');
    expect(await rejection(await signed('ES384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey), ecCheck)).toBe(
      'algorithm ES384 is not accepted for the configured key',
    );
  });

  it('refuses malformed tokens with a reason, never echoing the token', async () => {
    const [h, p, s] = (await signed('HS256', SECRET)).split('.');
    const jwt = check(secretKey);
    expect(await rejection('not-a-jwt', jwt)).toBe('malformed token');
    expect(await rejection(`${h}.${p}`, jwt)).toBe('malformed token');
    expect(await rejection(`${h}.${p}.${s}.x`, jwt)).toBe('malformed token');
    expect(await rejection(`${b64(Buffer.from('{not json'))}.${p}.${s}`, jwt)).toBe('malformed token');
    const arrayPayload = `${b64({ alg: 'HS256' })}.${b64([1, 2])}`;
    expect(await rejection(`${arrayPayload}.${createHmac('sha256', SECRET).update(arrayPayload).digest('base64url')}`, jwt)).toBe('malformed token');
    expect(await rejection(`${h}.${p}.${b64(Buffer.from('short'))}`, jwt)).toBe('bad signature');
    const secretHeader = `${b64({ alg: 'x'.repeat(40) + 'secret-part' })}.${p}.${s}`;
    expect(await rejection(secretHeader, jwt)).toBe('algorithm (unreadable) is not accepted for the configured key');
  });
});

/** A JWKS endpoint on 127.0.0.1, as an OIDC issuer publishes one; its keys can be swapped. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  answer: 'keys' | 'error' = 'keys';
  private readonly server: Server = createServer((_req, res) => {
    this.fetches++;
    if (this.answer === 'error') return res.writeHead(500).end();
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: this.keys }));
  });

  async start(): Promise<URL> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return new URL(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/openid/v1/jwks`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<{ kid: string; privateKey: KeyObject; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, privateKey: privateKey as KeyObject, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

describe('JWT checks against a JWKS endpoint', () => {
  const jwks = new JwksServer();
  let url: URL;

  beforeAll(async () => {
    url = await jwks.start();
  });

  afterAll(() => jwks.stop());

  beforeEach(() => {
    jwks.keys = [];
    jwks.fetches = 0;
    jwks.answer = 'keys';
  });

  const jwksCheck = (cooldownMs: number, extra: Partial<JwtCheck> = {}) => check({ kind: 'jwks', url, cooldownMs }, { issuer: ISSUER, ...extra });

  it('accepts tokens signed by any published key, found by kid, fetching the set once', async () => {
    const rsa = await signingKey('RS256', 'rsa-1');
    const ec = await signingKey('ES256', 'ec-1');
    jwks.keys = [rsa.jwk, ec.jwk];
    const verify = jwtVerifier(jwksCheck(30_000));
    await expect(verify(await signed('RS256', rsa.privateKey, {}, { kid: rsa.kid }))).resolves.toMatchObject({ sub: SUBJECT });
    await expect(verify(await signed('ES256', ec.privateKey, {}, { kid: ec.kid }))).resolves.toMatchObject({ sub: SUBJECT });
    expect(jwks.fetches).toBe(1);
  });

  it('picks up a rotated-in key on an unknown kid, and refuses a kid that never appears', async () => {
    const old = await signingKey('RS256', 'old');
    const next = await signingKey('RS256', 'next');
    jwks.keys = [old.jwk];
    const verify = jwtVerifier(jwksCheck(0));
    await expect(verify(await signed('RS256', old.privateKey, {}, { kid: old.kid }))).resolves.toBeDefined();
    const byNext = await signed('RS256', next.privateKey, {}, { kid: next.kid });
    expect(await rejection(byNext, verify)).toBe('unknown key (kid)');

    jwks.keys = [old.jwk, next.jwk];
    await expect(verify(byNext)).resolves.toMatchObject({ sub: SUBJECT });

    const stranger = await signingKey('RS256', 'stranger');
    expect(await rejection(await signed('RS256', stranger.privateKey, {}, { kid: stranger.kid }), verify)).toBe('unknown key (kid)');
    expect(jwks.fetches).toBe(4);
  });

  it('refetches on an unknown kid at most once per cooldown, so that junk kids cannot hammer the issuer', async () => {
    const known = await signingKey('ES256', 'known');
    jwks.keys = [known.jwk];
    const verify = jwtVerifier(jwksCheck(30_000));
    await expect(verify(await signed('ES256', known.privateKey, {}, { kid: known.kid }))).resolves.toBeDefined();
    for (let i = 0; i < 5; i++) {
      const junk = await signingKey('ES256', `junk-${i}`);
      await expect(verify(await signed('ES256', junk.privateKey, {}, { kid: junk.kid }))).rejects.toThrow('unknown key (kid)');
    }
    expect(jwks.fetches).toBe(1);
  });

  it('refuses a key with the right kid but a forged signature, the wrong issuer, and HMAC tokens', async () => {
    const real = await signingKey('RS256', 'k1');
    const forger = await signingKey('RS256', 'k1');
    jwks.keys = [real.jwk];
    expect(await rejection(await signed('RS256', forger.privateKey, {}, { kid: 'k1' }), jwksCheck(30_000))).toBe('bad signature');
    expect(await rejection(await signed('RS256', real.privateKey, { iss: 'https://elsewhere' }, { kid: 'k1' }), jwksCheck(30_000))).toBe('wrong issuer');
    // An HMAC key published in the set would be a secret everyone can read.
    jwks.keys = [{ kty: 'oct', k: SECRET.toString('base64url'), kid: 'oct' }];
    expect(await rejection(await signed('HS256', SECRET, {}, { kid: 'oct' }), jwksCheck(30_000))).toBe('algorithm HS256 is not accepted for the configured key');
  });

  it('reports an unreachable or failing endpoint as keys unavailable, not as a bad token', async () => {
    const key = await signingKey('RS256', 'k1');
    jwks.answer = 'error';
    const failing = await jwtVerifier(jwksCheck(30_000))(await signed('RS256', key.privateKey, {}, { kid: 'k1' })).catch((err: unknown) => err);
    expect(failing).toBeInstanceOf(KeysUnavailable);
    expect((failing as Error).message).toContain(url.href);

    const closed = new JwksServer();
    const gone = await closed.start();
    await closed.stop();
    const unreachable = await jwtVerifier(check({ kind: 'jwks', url: gone, cooldownMs: 0 }))(await signed('RS256', key.privateKey, {}, { kid: 'k1' })).catch(
      (err: unknown) => err,
    );
    expect(unreachable).toBeInstanceOf(KeysUnavailable);
  });
});
