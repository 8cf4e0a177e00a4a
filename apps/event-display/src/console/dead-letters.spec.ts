import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, parseHttp, toHttpBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import { KnativeHttpBus } from '@seldon-eventing/transport';
import { ConsoleSender } from './console-sender';
import { resendRoute } from './console-routes';
import { withoutDeadLetterExtensions } from '@seldon-eventing/eventing';
import { DeadLetters, deadLetterSinkRoute, viewOf } from './dead-letters';
import type { RawRoute } from '@seldon-eventing/service';

const failing = `{"status":{"code":500,"info":"model exploded","status":"FAILURE"}}`;
const deadLetter = (id: string) =>
  createEvent({
    id,
    source: 'tests/dead',
    type: 'seldon.iris-deployment.default.request',
    datacontenttype: 'application/json',
    data: Buffer.from('{"data":{"ndarray":[[1,2,3,4]]}}'),
    extensions: {
      seldonpuid: `puid-${id}`,
      knativeerrorcode: '502',
      knativeerrordest: 'http://127.0.0.1:8082/triggers/default/sklearn',
      knativeerrordata: Buffer.from(failing).toString('base64'),
    },
  });

/** A real HTTP server in front of raw routes, as the service shell's front listener serves them. */
async function serve(routes: RawRoute[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const route = routes.find((r) => r.serves(path))!;
      void route.handle({ method: req.method ?? 'GET', path, headers: req.headers, body: Buffer.concat(chunks) }, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('dead letters', () => {
  it('shows the failure decoded: code, destination, and knativeerrordata as text', () => {
    const letters = new DeadLetters(10);
    const view = viewOf(letters.add(deadLetter('a'), new Date('2026-11-29T05:00:00Z')));
    expect(view).toMatchObject({
      seq: 1,
      receivedAt: '2026-11-29T05:00:00.000Z',
      code: '502',
      dest: 'http://127.0.0.1:8082/triggers/default/sklearn',
      data: failing,
      event: { id: 'a', seldonpuid: 'puid-a', data: { data: { ndarray: [[1, 2, 3, 4]] } } },
    });
  });

  it('re-sends an event as it was before it failed: the knativeerror* extensions gone, the rest kept', () => {
    const clean = withoutDeadLetterExtensions(deadLetter('a'));
    expect(clean.extensions).toEqual({ seldonpuid: 'puid-a' });
    expect(clean.data?.toString()).toBe('{"data":{"ndarray":[[1,2,3,4]]}}');
  });

  it('keeps the latest ones only', () => {
    const letters = new DeadLetters(2);
    ['a', 'b', 'c'].forEach((id) => letters.add(deadLetter(id)));
    expect(letters.list().map((l) => l.event.id)).toEqual(['b', 'c']);
  });

  describe('the sink and re-sending, over HTTP', () => {
    const letters = new DeadLetters(10);
    // A broker ingress and an ingress-adapter: real HTTP servers recording what they take.
    const published: CloudEvent[] = [];
    const ingressReceived: CloudEvent[] = [];
    let brokerStatus = 202;
    let broker: Server;
    let ingress: Server;
    let app: { server: Server; url: string };

    const receiver = (into: CloudEvent[], status: () => number) =>
      createServer((req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (status() === 202) into.push(...parseHttp({ headers: req.headers, body: Buffer.concat(chunks) }));
          res.writeHead(status(), { 'content-type': 'application/json' }).end(status() === 202 ? '' : '{"error":"shutting down; retry later","status":503}');
        });
      });
    const listen = async (server: Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };

    beforeAll(async () => {
      broker = receiver(published, () => brokerStatus);
      ingress = receiver(ingressReceived, () => 202);
      const bus = new KnativeHttpBus({ sink: new URL(`${await listen(broker)}/default/default`), overrides: (e) => e, publishTimeoutMs: 2000 });
      const sender = new ConsoleSender(bus, new URL(await listen(ingress)));
      app = await serve([deadLetterSinkRoute(letters), resendRoute(letters, sender)]);
    });

    afterAll(() => {
      broker.close();
      ingress.close();
      app.server.close();
    });

    const post = (path: string, init: { headers?: Record<string, string>; body?: string | Buffer } = {}) =>
      fetch(`${app.url}${path}`, { method: 'POST', headers: init.headers, body: init.body });

    it('takes a dead letter in binary mode (202) and refuses what is not an event (400, JSON)', async () => {
      const message = toHttpBinary(deadLetter('x'));
      expect((await post('/dead-letters', { headers: message.headers, body: message.body })).status).toBe(202);
      const bad = await post('/dead-letters', { headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ status: 400, error: expect.any(String) });
      expect((await fetch(`${app.url}/dead-letters`)).status).toBe(405);
      expect(letters.list().map((l) => l.event.id)).toEqual(['x']);
    });

    it('re-sends one through the ingress-adapter without the error extensions, and forgets it', async () => {
      const seq = letters.list()[0].seq;
      const res = await post('/console/dead-letters/resend', { body: JSON.stringify({ seq, via: 'ingress' }) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ resent: [seq], failed: [] });
      expect(ingressReceived.map((e) => [e.id, e.extensions])).toEqual([['x', { seldonpuid: 'puid-x' }]]);
      expect(letters.list()).toEqual([]);
    });

    it('keeps what the broker would not take and says why (502); re-sends all once it is back', async () => {
      letters.add(deadLetter('y'));
      letters.add(deadLetter('z'));
      brokerStatus = 503;
      const refused = await post('/console/dead-letters/resend', { body: '{}' });
      expect(refused.status).toBe(502);
      expect(((await refused.json()) as { failed: unknown[] }).failed).toEqual([
        { seq: expect.any(Number), error: expect.stringContaining('shutting down') },
        { seq: expect.any(Number), error: expect.stringContaining('shutting down') },
      ]);
      expect(letters.list()).toHaveLength(2);
      brokerStatus = 202;
      const res = await post('/console/dead-letters/resend', { body: '' });
      expect(res.status).toBe(200);
      expect(published.map((e) => e.id)).toEqual(['y', 'z']);
      expect(published.every((e) => Object.keys(e.extensions).every((name) => !name.startsWith('knativeerror')))).toBe(true);
      expect(letters.list()).toEqual([]);
    });

    it('answers bad requests with the reason', async () => {
      expect((await post('/console/dead-letters/resend', { body: '[1]' })).status).toBe(400);
      expect((await post('/console/dead-letters/resend', { body: '{"seq":"one"}' })).status).toBe(400);
      expect((await post('/console/dead-letters/resend', { body: '{"via":"carrier-pigeon"}' })).status).toBe(400);
      const missing = await post('/console/dead-letters/resend', { body: '{"seq":999}' });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ status: 404, error: 'no dead letter 999' });
    });
  });
});
