import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@seldon-eventing/cloudevents';
import { PublishError } from '../errors';
import { KnativeHttpBus } from './knative-http-bus';
import { transportSettings } from '../transport.settings';
import { sinkToken, tokenFile } from './sink-token';

const sinkTokenOf = (env: NodeJS.ProcessEnv) => sinkToken(transportSettings.read(env));

describe('publishing to an ingress that requires a token', () => {
  let server: Server;
  let sink: URL;
  const seen: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    // A broker ingress that takes only `Bearer right`.
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      if (req.headers.authorization === 'Bearer right') res.writeHead(202).end();
      else res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end('{"error":"missing bearer token","status":401}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    sink = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/default/default`);
  });
  afterAll(() => server.close());

  const event = createEvent({ source: 'test', type: 'test.type', data: { n: 1 } });
  const bus = (env: NodeJS.ProcessEnv) => new KnativeHttpBus({ sink, overrides: (e) => e, publishTimeoutMs: 2000, sinkToken: sinkTokenOf(env) });

  it('sends K_SINK_TOKEN, or else INGRESS_AUTH_TOKEN, as a bearer token', async () => {
    await expect(bus({ K_SINK_TOKEN: 'right', INGRESS_AUTH_TOKEN: 'wrong' }).publish(event)).resolves.toBeUndefined();
    await expect(bus({ INGRESS_AUTH_TOKEN: 'right' }).publish(event)).resolves.toBeUndefined();
    expect(seen.at(-1)?.authorization).toBe('Bearer right');
  });

  it('reports refused credentials as a bad gateway, not as the client\'s fault', async () => {
    const refused = bus({}).publish(event);
    await expect(refused).rejects.toBeInstanceOf(PublishError);
    await expect(refused).rejects.toMatchObject({ status: 502, message: expect.stringContaining('missing bearer token') });
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('reads K_SINK_TOKEN_FILE again after it rotates, and refuses an unreadable one at start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sink-token-')), 'token');
    writeFileSync(file, 'old\n');
    const source = tokenFile(file, 0);
    expect(source()).toBe('old');
    writeFileSync(file, 'right\n');
    expect(source()).toBe('right');
    expect(() => sinkTokenOf({ K_SINK_TOKEN_FILE: join(file, 'missing') })).toThrow('cannot be read: ENOTDIR');
    expect(() => sinkTokenOf({ K_SINK_TOKEN: 'a', K_SINK_TOKEN_FILE: file })).toThrow('not both');
  });
});
