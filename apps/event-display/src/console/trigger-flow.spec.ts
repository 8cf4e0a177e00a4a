import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TriggerDescription } from '@seldon-eventing/topology';
import { parseSamples } from './prometheus-text';
import { TriggerFlow } from './trigger-flow';

const TRIGGERS: TriggerDescription[] = [
  {
    namespace: 'default',
    name: 'sklearn',
    broker: 'default',
    ready: true,
    filter: { attributes: { type: 'seldon.iris-deployment.default.request' } },
    subscriber: 'http://127.0.0.1:8082/triggers/default/sklearn',
    servedBy: 'predictor-router',
  },
  { namespace: 'default', name: 'display', broker: 'default', ready: true, filter: {}, subscriber: 'http://127.0.0.1:8084/', servedBy: 'event-display' },
  { namespace: 'other', name: 'typo', broker: 'b', ready: false, reason: 'no SeldonDeployment iris-deploymnet', filter: {}, subscriber: null, servedBy: null },
];

const line = (trigger: string, outcome: string, value: number, namespace = 'default') =>
  `trigger_event_count{namespace_name="${namespace}",broker_name="default",trigger_name="${trigger}",outcome="${outcome}",response_code="",response_code_class=""} ${value}`;

/** A service answering GET /metrics with whatever `metrics` holds now. */
async function metricsServer(metrics: { text: string }): Promise<{ server: Server; url: URL }> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.text);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}

describe('TriggerFlow', () => {
  const broker = { text: '' };
  const router = { text: '' };
  const servers: Server[] = [];
  let flow: TriggerFlow;
  let now = 10_000;
  let closedUrl: URL;

  beforeAll(async () => {
    const a = await metricsServer(broker);
    const b = await metricsServer(router);
    const closed = await metricsServer({ text: '' });
    closedUrl = closed.url;
    await new Promise((resolve) => closed.server.close(resolve));
    servers.push(a.server, b.server);
    flow = new TriggerFlow({
      backend: 'knative',
      triggers: () => TRIGGERS,
      services: [
        { name: 'broker', url: a.url },
        { name: 'predictor-router', url: b.url },
        { name: 'kafka-dispatcher', url: closedUrl },
      ],
      timeoutMs: 1000,
      now: () => now,
    });
  });

  afterAll(() => servers.forEach((s) => s.close()));

  it('sums each Trigger\'s outcomes over the services, counts failed attempts, and shows an unreachable service as such', async () => {
    broker.text = [
      '# HELP trigger_event_count events by outcome',
      '# TYPE trigger_event_count counter',
      line('sklearn', 'delivered', 7),
      line('sklearn', 'retried', 2),
      line('sklearn', 'dead-lettered', 1),
      line('sklearn', 'filtered', 40),
      line('display', 'delivered', 5),
      'process_cpu_seconds_total 3',
    ].join('\n');
    router.text = [line('sklearn', 'delivered', 3), line('sklearn', 'lost', 1)].join('\n');
    const view = await flow.view();
    const sklearn = view.triggers.find((t) => t.name === 'sklearn')!;
    expect(sklearn.counts).toEqual({ delivered: 10, failed: 4, deadLettered: 1, lost: 1, rate: null });
    expect(sklearn.filter).toEqual({ attributes: { type: 'seldon.iris-deployment.default.request' } });
    expect(view.triggers.find((t) => t.name === 'display')!.counts.delivered).toBe(5);
    expect(view.triggers.find((t) => t.name === 'typo')).toMatchObject({ ready: false, reason: 'no SeldonDeployment iris-deploymnet', counts: { delivered: 0 } });
    expect(view.services).toEqual([
      { name: 'broker', url: expect.any(String), reachable: true },
      { name: 'predictor-router', url: expect.any(String), reachable: true },
      { name: 'kafka-dispatcher', url: closedUrl.href, reachable: false, error: 'ECONNREFUSED' },
    ]);
    expect(view.brokers).toEqual([
      { namespace: 'default', name: 'default', triggers: ['sklearn', 'display'] },
      { namespace: 'other', name: 'b', triggers: ['typo'] },
    ]);
  });

  it('gives the delivery rate since the previous look, and none after a counter went back (a restart)', async () => {
    broker.text = [line('sklearn', 'delivered', 0), line('display', 'delivered', 0)].join('\n');
    router.text = '';
    await flow.view();
    now += 2000;
    broker.text = [line('sklearn', 'delivered', 30), line('display', 'delivered', 0)].join('\n');
    const view = await flow.view();
    expect(view.triggers.find((t) => t.name === 'sklearn')!.counts.rate).toBe(15);
    expect(view.triggers.find((t) => t.name === 'display')!.counts.rate).toBe(0);
    now += 1000;
    broker.text = line('sklearn', 'delivered', 4);
    expect((await flow.view()).triggers.find((t) => t.name === 'sklearn')!.counts.rate).toBeNull();
  });
});

describe('parseSamples', () => {
  it('reads the named metrics\' samples with their labels, escapes undone, and skips the rest', () => {
    const text = [
      '# TYPE a counter',
      'a{x="1",y="say \\"hi\\"\\nthere",z="back\\\\slash"} 4',
      'a 2.5e3',
      'b{x="1"} 9',
      'a{x="inf"} +Inf',
      'a{broken 1',
      'a{x="t"} 3 1712345678901',
    ].join('\n');
    expect(parseSamples(text, ['a'])).toEqual([
      { name: 'a', labels: { x: '1', y: 'say "hi"\nthere', z: 'back\\slash' }, value: 4 },
      { name: 'a', labels: {}, value: 2500 },
      { name: 'a', labels: { x: 'inf' }, value: Infinity },
      { name: 'a', labels: { x: 't' }, value: 3 },
    ]);
  });
});
