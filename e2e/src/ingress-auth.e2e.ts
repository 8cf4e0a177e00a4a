import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { BACKENDS, expectSeedResponse, post, PORT_OFFSET, SEED_PAYLOAD, seedHeaders, startFlow, waitForResponse, type Flow } from './support/flow';

const TOKEN = `static-${randomBytes(16).toString('hex')}`;
const SECRET = `secret-${randomBytes(24).toString('hex')}`;
// Knative's OIDC audience for a Broker: <group>/<kind>/<namespace>/<name>.
const AUDIENCE = 'eventing.knative.dev/broker/default/default';

function jwt(claims: object): string {
  const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

const VALID_JWT = jwt({ aud: AUDIENCE, sub: 'e2e', exp: Math.floor(Date.now() / 1000) + 3600 });

/**
 * Optional ingress authentication (INGRESS_AUTH_TOKEN, INGRESS_JWT_*), on every backend: the entry
 * refuses requests without a valid bearer token and takes them with one, the services that
 * publish to the broker bring the token along, and no secret reaches the logs.
 */
describe.each(BACKENDS)('ingress authentication on the %s backend', (backend) => {
  let flow: Flow;

  beforeAll(async () => {
    flow = await startFlow(backend, {
      INGRESS_AUTH_TOKEN: TOKEN,
      INGRESS_JWT_AUDIENCE: AUDIENCE,
      INGRESS_JWT_SECRET: SECRET,
      // The most verbose logs, so that a leak would show.
      LOG_LEVEL: 'verbose',
    });
  });

  afterAll(async () => {
    await flow?.stop();
  });

  const entries = () => [...new Set([flow.entry, flow.ingress])];

  it('refuses a request without a bearer token, or with a wrong one, with 401 and a challenge', async () => {
    for (const url of entries()) {
      const missing = await post(`${url}/`, seedHeaders(), SEED_PAYLOAD);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      expect(missing.json).toEqual({ error: 'missing bearer token', status: 401 });

      const wrong = await post(`${url}/default/default`, seedHeaders({ Authorization: `Bearer ${TOKEN}x` }), SEED_PAYLOAD);
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(wrong.json.error).toMatch(/^invalid token/);

      const otherAudience = jwt({ aud: 'eventing.knative.dev/broker/default/other', exp: Math.floor(Date.now() / 1000) + 3600 });
      const refused = await post(`${url}/`, seedHeaders({ Authorization: `Bearer ${otherAudience}` }), SEED_PAYLOAD);
      expect(refused).toMatchObject({ status: 401, json: { error: 'invalid token: wrong audience' } });

      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    }
    const rest = await post(`${flow.ingress}/seldon/default/iris-deployment/api/v1.0/predictions`, { 'content-type': 'application/json' }, SEED_PAYLOAD);
    expect(rest.status).toBe(401);
  });

  it('accepts the static token at the entry, and the response reaches event-display', async () => {
    const puid = randomUUID();
    const sent = await post(`${flow.entry}/`, seedHeaders({ 'Ce-Seldonpuid': puid, Authorization: `Bearer ${TOKEN}` }), SEED_PAYLOAD);
    expect(sent.status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid));
  });

  it('accepts a JWT for the audience at the ingress adapter, and the response reaches event-display', async () => {
    // On knative the adapter publishes to the broker, which wants a token too: K_SINK_TOKEN's default.
    const puid = randomUUID();
    const sent = await post(
      `${flow.ingress}/seldon/default/iris-deployment/api/v1.0/predictions`,
      { 'content-type': 'application/json', 'seldon-puid': puid, authorization: `Bearer ${VALID_JWT}` },
      SEED_PAYLOAD,
    );
    expect(sent.status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid));
  });

  it('never writes a token or secret to the logs, only the reasons for refusals', () => {
    const logs = flow.logs.join('\n');
    expect(logs).toContain('refused: missing bearer token');
    for (const secret of [TOKEN, SECRET, VALID_JWT, VALID_JWT.split('.')[2]]) expect(logs).not.toContain(secret);
  });
});

/**
 * JWTs from an OIDC issuer (INGRESS_JWT_ISSUER, INGRESS_JWT_JWKS_URL), as Kubernetes issues
 * service-account tokens: the entry fetches the issuer's JWKS and picks the key by `kid`.
 */
describe.each(BACKENDS)('ingress authentication with an issuer JWKS on the %s backend', (backend) => {
  const issuer = 'https://kubernetes.default.svc.cluster.local';
  // In this checkout's band of ports, beside the flow's (base + 80..90).
  const jwksPort = 18095 + PORT_OFFSET;
  let jwks: Server;
  let flow: Flow;
  let signer: { privateKey: KeyLike; kid: string };

  const token = (claims: object, key = signer) =>
    new SignJWT({ aud: AUDIENCE, iss: issuer, sub: 'system:serviceaccount:default:client', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setExpirationTime('10m')
      .sign(key.privateKey);

  const keyPair = async (kid: string): Promise<{ privateKey: KeyLike; kid: string; jwk: JWK }> => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    return { privateKey, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  };

  beforeAll(async () => {
    const published = await keyPair('sa-key-1');
    signer = published;
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: [published.jwk] })));
    await new Promise<void>((resolve) => jwks.listen(jwksPort, '127.0.0.1', resolve));
    flow = await startFlow(backend, {
      // The static token stays for the services' own publishing to the broker (K_SINK_TOKEN's default).
      INGRESS_AUTH_TOKEN: TOKEN,
      INGRESS_JWT_AUDIENCE: AUDIENCE,
      INGRESS_JWT_ISSUER: issuer,
      INGRESS_JWT_JWKS_URL: `http://127.0.0.1:${jwksPort}/openid/v1/jwks`,
    });
  });

  afterAll(async () => {
    await flow?.stop();
    await new Promise((resolve) => (jwks ? jwks.close(resolve) : resolve(undefined)));
  });

  it('accepts a token signed by a published key, and the response reaches event-display', async () => {
    const puid = randomUUID();
    const sent = await post(`${flow.entry}/`, seedHeaders({ 'Ce-Seldonpuid': puid, Authorization: `Bearer ${await token({})}` }), SEED_PAYLOAD);
    expect(sent.status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid));
  });

  it('refuses a token from another issuer, and one signed by a key the issuer does not publish', async () => {
    const otherIssuer = await post(`${flow.entry}/`, seedHeaders({ Authorization: `Bearer ${await token({ iss: 'https://elsewhere.example' })}` }), SEED_PAYLOAD);
    expect(otherIssuer).toMatchObject({ status: 401, json: { error: 'invalid token: wrong issuer' } });
    const unpublished = await post(`${flow.entry}/`, seedHeaders({ Authorization: `Bearer ${await token({}, await keyPair('not-published'))}` }), SEED_PAYLOAD);
    expect(unpublished).toMatchObject({ status: 401, json: { error: 'invalid token: unknown key (kid)' } });
    expect(unpublished.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });
});
