import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingressAuthFromEnv, refusal } from './ingress-auth';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const AUDIENCE = 'eventing.knative.dev/broker/default/default';

function hs256(claims: object): string {
  const input = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

describe('ingress authentication settings', () => {
  it('is off when nothing is set', () => {
    expect(ingressAuthFromEnv({})).toBeUndefined();
  });

  it('refuses inconsistent settings at start, without echoing secrets', () => {
    expect(() => ingressAuthFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE })).toThrow('INGRESS_JWT_AUDIENCE needs a key');
    expect(() => ingressAuthFromEnv({ INGRESS_JWT_SECRET: SECRET })).toThrow('INGRESS_JWT_AUDIENCE is not');
    expect(() => ingressAuthFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_SECRET: SECRET, INGRESS_JWT_PUBLIC_KEY_FILE: '/k.pem' })).toThrow('not both');
    expect(() => ingressAuthFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_SECRET: 'short-secret' })).toThrow(/at least 32 bytes$/);
    expect(() => ingressAuthFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_PUBLIC_KEY_FILE: '/nowhere/key.pem' })).toThrow('/nowhere/key.pem cannot be read: ENOENT');
    const dir = mkdtempSync(join(tmpdir(), 'auth-'));
    writeFileSync(join(dir, 'junk.pem'), 'secret material that is not a key');
    let message = '';
    try {
      ingressAuthFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_PUBLIC_KEY_FILE: join(dir, 'junk.pem') });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('does not hold a PEM public key');
    expect(message).not.toContain('secret material');
  });

  it('reads a PEM public key file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-'));
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, 'key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    expect(ingressAuthFromEnv({ INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_PUBLIC_KEY_FILE: join(dir, 'key.pem') })?.jwt?.key).toMatchObject({ kind: 'public' });
  });

  it('checks the Authorization header against the static token, a JWT, or either', () => {
    const both = ingressAuthFromEnv({ INGRESS_AUTH_TOKEN: 'static-token', INGRESS_JWT_AUDIENCE: AUDIENCE, INGRESS_JWT_SECRET: SECRET })!;
    const tokenOnly = ingressAuthFromEnv({ INGRESS_AUTH_TOKEN: 'static-token' })!;
    const valid = hs256({ aud: AUDIENCE, exp: Date.now() / 1000 + 60 });
    expect(refusal(both, 'Bearer static-token')).toBeUndefined();
    expect(refusal(both, 'bearer static-token')).toBeUndefined();
    expect(refusal(both, `Bearer ${valid}`)).toBeUndefined();
    expect(refusal(tokenOnly, `Bearer ${valid}`)).toBe('invalid token');
    expect(refusal(tokenOnly, 'Bearer static-token-but-longer')).toBe('invalid token');
    expect(refusal(tokenOnly, undefined)).toBe('missing bearer token');
    expect(refusal(tokenOnly, 'Basic c3RhdGljLXRva2Vu')).toBe('the Authorization header is not a bearer token');
    expect(refusal(both, `Bearer ${hs256({ aud: 'elsewhere', exp: Date.now() / 1000 + 60 })}`)).toBe('invalid token: wrong audience');
  });
});
