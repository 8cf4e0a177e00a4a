import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { frontListener } from '../http/front-listener';
import { sendJson, type RawRequest } from '../http/raw-route';
import type { GateRequest, RequestGate } from '../http/request-gate';
import { authSettings } from '../auth.settings';
import { ingressAuth, ingressAuthGate } from './ingress-auth';

/** What a service reads at start: the settings from this environment, then the auth they configure. */
const authFromEnv = (env: NodeJS.ProcessEnv) => ingressAuth(authSettings.read(env));
const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const AUDIENCE = 'eventing.knative.dev/broker/default/default';
const ISSUER = 'https://kubernetes.default.svc.cluster.local';

function hs256(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(SECRET));
}

function startError(env: NodeJS.ProcessEnv): string {
  try {
    authFromEnv(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the settings were accepted');
}

function pemFile(pem: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'auth-')), 'key.pem');
  writeFileSync(file, pem);
  return file;
}

describe('ingress authentication settings', () => {
  it('is off when nothing is set', () => {
    expect(authFromEnv({})).toBeUndefined();
  });

  it('refuses inconsistent settings at start, naming the variables, without echoing secrets', () => {
    expect(startError({ INGRESS_JWT_AUDIENCE: AUDIENCE })).toContain('INGRESS_JWT_AUDIENCE needs a key');
    expect(startError({ INGRESS_JWT_SECRET: SECRET })).toContain('INGRESS_JWT_AUDIENCE is not');
    expect(startError({ INGRESS_JWT_ISSUER: ISSUER, INGRESS_AUTH_TOKEN: 'static-token' })).toContain('INGRESS_JWT_AUDIENCE is not');
    expect(startError({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_SECRET: SECRET, INGRESS_JWT_PUBLIC_KEY_FILE: '/k.pem' })).toBe(
      'set one of INGRESS_JWT_SECRET, INGRESS_JWT_PUBLIC_KEY_FILE or INGRESS_JWT_JWKS_URL, not INGRESS_JWT_SECRET and INGRESS_JWT_PUBLIC_KEY_FILE',
    );
    expect(startError({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_JWKS_URL: 'https://issuer/jwks', INGRESS_JWT_PUBLIC_KEY_FILE: '/k.pem' })).toContain('not INGRESS_JWT_PUBLIC_KEY_FILE and INGRESS_JWT_JWKS_URL');
    expect(startError({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_SECRET: 'short-secret' })).toMatch(/at least 32 bytes$/);
    expect(startError({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_JWKS_URL: 'issuer/jwks' })).toBe('INGRESS_JWT_JWKS_URL is not a URL: issuer/jwks');
    expect(startError({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_JWKS_URL: 'file:///etc/jwks.json' })).toBe('INGRESS_JWT_JWKS_URL must be an http(s) URL, not file:');
    expect(startError({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_PUBLIC_KEY_FILE: '/nowhere/key.pem' })).toBe('INGRESS_JWT_PUBLIC_KEY_FILE /nowhere/key.pem cannot be read: ENOENT');
    const junk = startError({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_PUBLIC_KEY_FILE: pemFile('secret material that is not a key') });
    expect(junk).toContain('does not hold a PEM public key');
    expect(junk).not.toContain('secret material');
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' });
    expect(startError({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_PUBLIC_KEY_FILE: pemFile(x25519) })).toContain('holds a x25519 key; RSA, EC (P-256, P-384, P-521) or Ed25519');
  });

  it('reads a PEM public key file, a JWKS URL and the issuer', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const fromFile = authFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_PUBLIC_KEY_FILE: pemFile(publicKey.export({ type: 'spki', format: 'pem' })) });
    expect(fromFile?.jwt).toMatchObject({ key: { kind: 'public' }, audience: AUDIENCE, issuer: undefined });
    const fromIssuer = authFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_ISSUER: ISSUER, INGRESS_JWT_JWKS_URL: `${ISSUER}/openid/v1/jwks` });
    expect(fromIssuer?.jwt).toMatchObject({ key: { kind: 'jwks', url: new URL(`${ISSUER}/openid/v1/jwks`), cooldownMs: 30_000 }, issuer: ISSUER, clockSkewSeconds: 60 });
  });
});

describe('the ingress authentication gate', () => {
  const both = ingressAuthGate(authFromEnv({ INGRESS_AUTH_TOKEN: 'static-token', INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_SECRET: SECRET })!);
  const tokenOnly = ingressAuthGate(authFromEnv({ INGRESS_AUTH_TOKEN: 'static-token' })!);
  const request = (authorization?: string): GateRequest => ({ method: 'POST', path: '/default/default', headers: authorization ? { authorization } : {} });

  it('decides a static token, a missing or a non-bearer header synchronously', () => {
    expect(both(request('Bearer static-token'))).toBeUndefined();
    expect(both(request('bearer static-token'))).toBeUndefined();
    expect(tokenOnly(request('Bearer static-token-but-longer'))).toEqual({ status: 401, error: 'invalid token', headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    expect(tokenOnly(request())).toEqual({ status: 401, error: 'missing bearer token', headers: { 'www-authenticate': 'Bearer' } });
    expect(tokenOnly(request('Basic c3RhdGljLXRva2Vu'))).toMatchObject({ status: 401, error: 'the Authorization header is not a bearer token' });
  });

  it('checks a JWT when one is configured, saying which check failed', async () => {
    const valid = await hs256({});
    expect(tokenOnly(request(`Bearer ${valid}`))).toMatchObject({ error: 'invalid token' });
    await expect(both(request(`Bearer ${valid}`))).resolves.toBeUndefined();
    await expect(both(request(`Bearer ${await hs256({ aud: 'elsewhere' })}`))).resolves.toMatchObject({ status: 401, error: 'invalid token: wrong audience' });
    await expect(both(request(`Bearer ${await hs256({ exp: Math.floor(Date.now() / 1000) - 3600 })}`))).resolves.toMatchObject({ error: 'invalid token: expired' });
  });

  it('answers 503 when the JWKS cannot be fetched, so that senders retry', async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/jwks`;
    await new Promise((resolve) => gone.close(resolve));
    const gate = ingressAuthGate(authFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_JWKS_URL: url })!);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = await new SignJWT({ aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    await expect(gate(request(`Bearer ${token}`))).resolves.toEqual({ status: 503, error: 'the token cannot be checked now: signing keys unavailable; retry later' });
  });
});

describe('an asynchronous gate in front of the raw routes', () => {
  let server: Server;
  let base: string;
  let closed = false;
  const gates: RequestGate[] = [ingressAuthGate(authFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_SECRET: SECRET })!)];

  beforeAll(async () => {
    gates.push(() => (closed ? { status: 503, error: 'shutting down; retry later' } : undefined));
    const routes = [{ serves: (path: string) => path === '/events', handle: (request: RawRequest, res: ServerResponse) => sendJson(res, 202, { received: request.body.toString() }) }];
    server = createServer(frontListener(gates, routes, 1024, (_req, res) => sendJson(res, 200, { framework: true })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: 'x'.repeat(600) });
    return { status: res.status, challenge: res.headers.get('www-authenticate'), json: await res.json() };
  };

  it('reads the whole body once a JWT passes, and answers a refusal with 401 JSON before it', async () => {
    const authorization = `Bearer ${await hs256({})}`;
    expect(await post('/events', { authorization })).toEqual({ status: 202, challenge: null, json: { received: 'x'.repeat(600) } });
    expect(await post('/other', { authorization })).toMatchObject({ status: 200, json: { framework: true } });
    expect(await post('/events', { authorization: `Bearer ${await hs256({ aud: 'elsewhere' })}` })).toEqual({
      status: 401,
      challenge: 'Bearer error="invalid_token"',
      json: { status: 401, error: 'invalid token: wrong audience' },
    });
    closed = true;
    expect(await post('/events', { authorization })).toMatchObject({ status: 503, json: { error: 'shutting down; retry later' } });
    closed = false;
  });
});
