import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, toHttpBinary } from '@seldon-eventing/cloudevents';
import { deliverOverHttp } from './http-delivery';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

async function subscriber(handler: Handler): Promise<{ url: URL; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`), server };
}

const event = createEvent({ specversion: '0.3', source: 'test', type: 'seldon.iris.default.request', data: { data: { ndarray: [[1, 2, 3, 4]] } } });

describe('a Knative delivery attempt over HTTP', () => {
  const servers: Server[] = [];
  const start = async (handler: Handler) => {
    const s = await subscriber(handler);
    servers.push(s.server);
    return s.url;
  };
  afterAll(() => servers.forEach((s) => s.close()));

  it('POSTs the event in binary mode with Prefer: reply and Kn-Namespace', async () => {
    let seen: IncomingMessage | undefined;
    let body: Buffer = Buffer.alloc(0);
    const url = await start((req, b, res) => {
      seen = req;
      body = b;
      res.writeHead(202).end();
    });
    await expect(deliverOverHttp(url, event, { namespace: 'default' })).resolves.toEqual({ ok: true, status: 202 });
    expect(seen?.headers).toMatchObject({ 'ce-specversion': '0.3', 'ce-id': event.id, prefer: 'reply', 'kn-namespace': 'default', 'content-type': 'application/json' });
    expect(JSON.parse(body.toString())).toEqual({ data: { ndarray: [[1, 2, 3, 4]] } });
  });

  it('returns a reply event carried in the response', async () => {
    const reply = createEvent({ source: 'sub', type: 'reply.type', data: { ok: true } });
    const url = await start((_req, _b, res) => {
      const message = toHttpBinary(reply);
      res.writeHead(200, message.headers).end(message.body);
    });
    const outcome = await deliverOverHttp(url, event);
    expect(outcome.ok && outcome.reply).toMatchObject({ id: reply.id, type: 'reply.type', source: 'sub' });
  });

  it('treats a 2xx with a body that is not an event as a failure', async () => {
    const url = await start((_req, _b, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"not":"an event"}'));
    await expect(deliverOverHttp(url, event)).resolves.toMatchObject({ ok: false, retryable: false, failure: { status: 200 } });
  });

  it.each([
    [500, true],
    [503, true],
    [404, true],
    [408, true],
    [409, true],
    [429, true],
    [400, false],
    [403, false],
  ])('classifies status %i as retryable=%s', async (status, retryable) => {
    const url = await start((_req, _b, res) => res.writeHead(status).end('nope'));
    await expect(deliverOverHttp(url, event)).resolves.toMatchObject({ ok: false, retryable, failure: { status, destination: url.href } });
  });

  it('retries network errors and timeouts', async () => {
    const closed = await start((_req, _b, res) => res.end());
    await new Promise((r) => servers.pop()?.close(r));
    await expect(deliverOverHttp(closed, event)).resolves.toMatchObject({ ok: false, retryable: true });

    const slow = await start((_req, _b, res) => setTimeout(() => res.writeHead(202).end(), 500));
    await expect(deliverOverHttp(slow, event, { timeoutMs: 50 })).resolves.toMatchObject({ ok: false, retryable: true, failure: { status: 408 } });
  });
});
