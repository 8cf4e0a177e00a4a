import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, toHttpBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import { Topology } from '@seldon-eventing/topology';
import { compileRoutes } from '../dispatch/routes';
import { BrokerIngress } from './broker-ingress';

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real subscriber that records deliveries and answers as the test says. */
class Subscriber {
  readonly received: Delivery[] = [];
  private server?: Server;
  url = '';
  constructor(public answer: (d: Delivery, res: ServerResponse) => void = (_d, res) => res.writeHead(202).end()) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const delivery = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString() };
        this.received.push(delivery);
        this.answer(delivery, res);
      });
    });
    await new Promise<void>((r) => (this.server as Server).listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function trigger(name: string, subscriber: string, extra = ''): string {
  return `apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: ${name}, namespace: default }
spec:
  broker: default
  filter: { attributes: { type: test.${name} } }
  subscriber: ${subscriber.startsWith('{') ? subscriber : `{ uri: "${subscriber}" }`}
${extra}---
`;
}

const BROKER = `apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: default, namespace: default }
---
`;

function binary(event: CloudEvent): { headers: Record<string, string>; body: Buffer } {
  const message = toHttpBinary(event);
  return { headers: message.headers, body: message.body ?? Buffer.alloc(0) };
}

describe('the broker: ingress and dispatch', () => {
  const subscriber = new Subscriber();
  const replier = new Subscriber((_d, res) => {
    const reply = toHttpBinary(createEvent({ id: 'reply-1', source: 'replier', type: 'test.sink' }));
    res.writeHead(200, reply.headers).end(reply.body);
  });
  const failing = new Subscriber((_d, res) => res.writeHead(503).end('{"error":"down"}'));
  const sink = new Subscriber();
  const refusingSink = new Subscriber((_d, res) => res.writeHead(500).end());
  const logs: string[] = [];
  const log = { debug: () => undefined, log: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  let ingress: BrokerIngress;
  const options = { maxInFlightPerTrigger: 1, maxQueuedPerTrigger: 2, defaultTimeoutMs: 2_000 };

  beforeAll(async () => {
    await Promise.all([subscriber, replier, failing, sink, refusingSink].map((s) => s.start()));
    const dir = mkdtempSync(join(tmpdir(), 'broker-'));
    const dls = (url: string) => `  delivery: { retry: 1, backoffDelay: PT0.01S, backoffPolicy: linear, deadLetterSink: { uri: "${url}" } }\n`;
    writeFileSync(
      join(dir, 'manifests.yaml'),
      BROKER +
        trigger('sink', `${subscriber.url}/sink`) +
        trigger('reply', `${replier.url}/`) +
        trigger('fail', `${failing.url}/`, dls(`${sink.url}/dlq`)) +
        trigger('lose', `${failing.url}/`, dls(`${refusingSink.url}/dlq`)) +
        trigger('unknown', '{ ref: { apiVersion: serving.knative.dev/v1, kind: Service, name: nowhere } }'),
    );
    const topology = Topology.load({ manifests: [dir], clusterDomain: 'cluster.local', selfConsuming: [], serviceNamespace: 'default', variables: {} }, log);
    const { byBroker } = compileRoutes(topology, new URL('http://127.0.0.1:1/'));
    ingress = new BrokerIngress(topology.config, byBroker, options, log);
  });

  afterAll(() => [subscriber, replier, failing, sink, refusingSink].forEach((s) => s.close()));

  const accept = (event: CloudEvent, broker = { namespace: 'default', name: 'default' }) => {
    const { headers, body } = binary(event);
    return ingress.accept(broker, headers, body);
  };

  it('starts with a Trigger that cannot be resolved, reporting it, and serves the others', () => {
    expect(logs).toEqual([expect.stringMatching(/^trigger default\/unknown is not ready and is not served: /)]);
  });

  it('refuses an unknown broker (404) and what is not one CloudEvent (400)', async () => {
    await expect(accept(createEvent({ source: 's', type: 'test.sink' }), { namespace: 'default', name: 'nope' })).resolves.toEqual({ status: 404, error: 'broker default/nope does not exist' });
    await expect(ingress.accept({ namespace: 'default', name: 'default' }, { 'content-type': 'application/json' }, Buffer.from('{}'))).resolves.toMatchObject({ status: 400 });
  });

  it('delivers to the matching Trigger in binary mode with Prefer: reply, without the TTL, with knativearrivaltime', async () => {
    const event = createEvent({ id: 'e-sink', source: 's', type: 'test.sink', data: { n: 1 } });
    await expect(accept(event)).resolves.toEqual({ status: 202 });
    await until(() => subscriber.received.some((d) => d.headers['ce-id'] === 'e-sink'), 'the delivery');
    const delivery = subscriber.received.find((d) => d.headers['ce-id'] === 'e-sink') as Delivery;
    expect(delivery.path).toBe('/sink');
    expect(delivery.headers).toMatchObject({ prefer: 'reply', 'kn-namespace': 'default' });
    expect(delivery.headers['ce-knativebrokerttl']).toBeUndefined();
    expect(delivery.headers['ce-knativearrivaltime']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('re-ingests a reply, which then reaches the Triggers it matches', async () => {
    await expect(accept(createEvent({ id: 'e-reply', source: 's', type: 'test.reply' }))).resolves.toEqual({ status: 202 });
    await until(() => subscriber.received.some((d) => d.headers['ce-id'] === 'reply-1'), 'the reply to be delivered');
  });

  it('drops an event whose TTL is spent, as a loop guard', async () => {
    const event = createEvent({ id: 'e-ttl', source: 's', type: 'test.sink', extensions: { knativebrokerttl: '0' } });
    await expect(accept(event)).resolves.toEqual({ status: 202 });
    const marker = createEvent({ id: 'e-after-ttl', source: 's', type: 'test.sink' });
    await accept(marker);
    await until(() => subscriber.received.some((d) => d.headers['ce-id'] === 'e-after-ttl'), 'a later event');
    expect(subscriber.received.some((d) => d.headers['ce-id'] === 'e-ttl')).toBe(false);
  });

  it('dead-letters after the retries, with the knativeerror extensions', async () => {
    await accept(createEvent({ id: 'e-fail', source: 's', type: 'test.fail' }));
    await until(() => sink.received.length === 1, 'the dead letter');
    expect(sink.received[0].headers).toMatchObject({ 'ce-id': 'e-fail', 'ce-knativeerrorcode': '503', 'ce-knativeerrordest': `${failing.url}/` });
  });

  it('counts an event lost, logs it and moves on when the dead-letter sink refuses too', async () => {
    await accept(createEvent({ id: 'e-lose', source: 's', type: 'test.lose' }));
    await until(() => logs.some((l) => l.startsWith('event e-lose for trigger default/lose lost:')), 'the loss to be logged');
    expect(refusingSink.received).toHaveLength(2);
    expect(logs.find((l) => l.startsWith('event e-lose'))).toContain('the dead-letter sink refused it too');
  });

  it('answers 429 when a Trigger queue is full, and takes events again once it drains', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    subscriber.answer = (_d, res) => void held.then(() => res.writeHead(202).end());
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await accept(createEvent({ id: `e-full-${i}`, source: 's', type: 'test.sink' })));
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 429]);
    release();
    subscriber.answer = (_d, res) => res.writeHead(202).end();
    await until(() => subscriber.received.filter((d) => String(d.headers['ce-id']).startsWith('e-full-')).length === 3, 'the queue to drain');
    await expect(accept(createEvent({ source: 's', type: 'test.sink' }))).resolves.toEqual({ status: 202 });
  });

  it('drains at shutdown: deliveries in flight finish within the time given', async () => {
    await accept(createEvent({ id: 'e-last', source: 's', type: 'test.sink' }));
    await ingress.drain(2_000);
    expect(subscriber.received.some((d) => d.headers['ce-id'] === 'e-last')).toBe(true);
  });
});
