import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpHeaders } from '@seldon-eventing/cloudevents';
import { frontListener, type RawRoute } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import type { IngressResult } from './broker-ingress';
import { ingressRoute } from './ingress.route';

interface Accepted {
  broker: BrokerRef;
  headers: HttpHeaders;
  body: string;
}

/** Serves one raw route on a real HTTP server, through the service's own front listener. */
async function serveRoute(route: RawRoute): Promise<{ url: string; server: Server }> {
  const server = createServer(frontListener([], [route], 1 << 20, (_req, res) => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('broker ingress route', () => {
  const defaultBroker = { namespace: 'default', name: 'default' };
  const accepted: Accepted[] = [];
  let result: IngressResult = { status: 202 };
  let url: string;
  let server: Server;

  beforeAll(async () => {
    const ingress = {
      accept: async (broker: BrokerRef, headers: HttpHeaders, body: Buffer) => {
        accepted.push({ broker, headers, body: body.toString() });
        return result;
      },
    };
    ({ url, server } = await serveRoute(ingressRoute(ingress, defaultBroker)));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    accepted.length = 0;
    result = { status: 202 };
  });

  const post = (path: string, body = '{}') => fetch(`${url}${path}`, { method: 'POST', headers: { 'ce-id': 'e-1', 'content-type': 'application/json' }, body });

  it('hands a POST to the broker its path names, and answers 202 with no body', async () => {
    const res = await post('/models/ml-broker', '{"x":1}');
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    expect(accepted).toEqual([{ broker: { namespace: 'models', name: 'ml-broker' }, headers: expect.objectContaining({ 'ce-id': 'e-1' }), body: '{"x":1}' }]);
  });

  it('takes / for the default broker, and URI-decodes the segments of /<namespace>/<broker>/', async () => {
    expect((await post('/')).status).toBe(202);
    expect((await post('/team%2Da/b/')).status).toBe(202);
    expect(accepted.map((a) => a.broker)).toEqual([defaultBroker, { namespace: 'team-a', name: 'b' }]);
  });

  it('answers the ingress refusal with its status and reason as JSON', async () => {
    result = { status: 404, error: 'broker default/nope does not exist' };
    const res = await post('/default/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ status: 404, error: 'broker default/nope does not exist' });
  });

  it('answers 400 for a path whose segments do not URI-decode, without calling the ingress', async () => {
    const res = await post('/default/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("'/default/%E0%A4%A' is not a /<namespace>/<broker> path");
    expect(accepted).toEqual([]);
  });

  it('answers 405 with Allow to other methods, and the CloudEvents webhook handshake to OPTIONS', async () => {
    const get = await fetch(`${url}/default/default`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect(((await get.json()) as { error: string }).error).toMatch(/method GET is not allowed/);

    const options = await fetch(`${url}/default/default`, { method: 'OPTIONS', headers: { 'webhook-request-origin': 'eventemitter.example.com' } });
    expect(options.status).toBe(200);
    expect(options.headers.get('webhook-allowed-origin')).toBe('eventemitter.example.com');
    expect(accepted).toEqual([]);
  });

  it('serves only the broker URL forms', () => {
    const route = ingressRoute({ accept: async () => result }, defaultBroker);
    expect(['/', '/ns/b', '/ns/b/'].filter(route.serves)).toEqual(['/', '/ns/b', '/ns/b/']);
    expect(['/ns', '/ns/b/c', '/health', '/events'].filter(route.serves)).toEqual([]);
  });
});
