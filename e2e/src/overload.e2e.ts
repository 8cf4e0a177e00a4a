import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { PORT_OFFSET, post, type ServiceHandle } from './support/flow';
import { manifestDir } from './support/manifests';
import { waitFor } from './support/wait';
import { TestSubscriber } from './support/subscriber';
import { awaitDeliveries } from './support/tally';
const { startServices, stopServices } = require('../../tools/run/services.js');

const MAX_IN_FLIGHT = 4;
const MAX_QUEUED = 50;
const MiB = 1024 * 1024;

/** The resident memory of a process, from /proc/<pid>/status. */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

const trigger = (name: string, type: string, uri: string) => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Trigger',
  metadata: { name, namespace: 'default' },
  spec: { broker: 'default', filter: { attributes: { type } }, subscriber: { uri } },
});

/**
 * The embedded broker under more load than a subscriber can take: in-flight work per Trigger is
 * capped, a slow subscriber holds back its own Trigger and no other, and the broker sheds what it
 * cannot queue with 429 instead of buffering it until it runs out of memory.
 */
describe('the embedded broker under overload', () => {
  const held: ServerResponse[] = [];
  const slow = new TestSubscriber((_r, res) => void held.push(res));
  const fast = new TestSubscriber();
  let services: Record<string, ServiceHandle>;
  let broker: string;
  const slowSent: string[] = [];
  const slowAccepted = new Set<string>();

  beforeAll(async () => {
    await Promise.all([slow.start(), fast.start()]);
    services = await startServices({
      backend: 'knative',
      only: ['broker'],
      env: {
        ...process.env,
        BROKER_PORT: String(18480 + PORT_OFFSET),
        EVENTING_MANIFESTS: manifestDir([trigger('slow', 'test.slow', `${slow.url}/`), trigger('fast', 'test.fast', `${fast.url}/`)]),
        LOCAL_ADDRESSES: '',
        LOG_LEVEL: 'warn',
        BROKER_MAX_IN_FLIGHT_PER_TRIGGER: String(MAX_IN_FLIGHT),
        BROKER_MAX_QUEUED_PER_TRIGGER: String(MAX_QUEUED),
        DELIVERY_TIMEOUT_MS: '120000',
      },
    });
    broker = `${services.broker.url}/default/default`;
  });

  afterAll(async () => {
    held.forEach((res) => res.writeHead(202).end());
    await stopServices(services ?? {});
    [slow, fast].forEach((s) => s.close());
  });

  const send = (type: string, id = randomUUID(), body: string | Buffer = '{"n":1}') =>
    post(broker, { 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': 'e2e/overload', 'ce-type': type, 'content-type': 'application/json' }, body);

  it("answers 429 once the slow Trigger's queue is full, with at most its in-flight cap at the subscriber", async () => {
    let refused: Awaited<ReturnType<typeof send>> | undefined;
    while (!refused && slowSent.length < 2 * (MAX_IN_FLIGHT + MAX_QUEUED)) {
      const id = randomUUID();
      slowSent.push(id);
      const answer = await send('test.slow', id);
      if (answer.status === 202) slowAccepted.add(id);
      else refused = answer;
    }
    expect(refused?.status).toBe(429);
    expect(refused?.json.error).toMatch(/saturated/);
    expect(slowAccepted.size).toBe(MAX_IN_FLIGHT + MAX_QUEUED);
    await waitFor(() => held.length === MAX_IN_FLIGHT, { what: 'the slow subscriber to hold its in-flight events' });
  });

  it('delivers the events of another Trigger promptly while the slow one is stuck', async () => {
    const started = Date.now();
    const ids = Array.from({ length: 50 }, () => randomUUID());
    for (const id of ids) expect((await send('test.fast', id)).status).toBe(202);
    const arrived = await fast.waitFor(ids.length, 10_000);
    const slowest = Math.max(...arrived.map((r) => r.at)) - started;
    process.stdout.write(`fast trigger beside a stuck one: ${ids.length} events delivered within ${slowest} ms of the first send\n`);
    expect(arrived.map((r) => r.headers['ce-id']).sort()).toEqual([...ids].sort());
    expect(held).toHaveLength(MAX_IN_FLIGHT);
  });

  it('sheds a flood for the stuck Trigger with 429, its memory bounded', async () => {
    const before = rssOf(services.broker.pid);
    let peak = before;
    const body = Buffer.alloc(128 * 1024, 'a');
    const flood = 800; // 100 MiB of events, all beyond the full queue
    const statuses = new Map<number, number>();
    let next = 0;
    const sender = async () => {
      while (next < flood) {
        next++;
        const { status } = await send('test.slow', randomUUID(), Buffer.concat([Buffer.from('"'), body, Buffer.from('"')]));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (next % 50 === 0) peak = Math.max(peak, rssOf(services.broker.pid));
      }
    };
    await Promise.all(Array.from({ length: 8 }, sender));
    peak = Math.max(peak, rssOf(services.broker.pid));
    process.stdout.write(
      `broker flood: ${flood} events of 128 KiB refused ${statuses.get(429) ?? 0} times with 429; RSS ${Math.round(before / MiB)} MiB before, peak ${Math.round(peak / MiB)} MiB\n`,
    );
    expect(Object.fromEntries(statuses)).toEqual({ 429: flood });
    // Queued, the flood would take over 100 MiB; refused, it leaves only transient buffers.
    expect(peak - before).toBeLessThan(64 * MiB);
  });

  it('delivers every accepted event of the slow Trigger once its subscriber keeps up again', async () => {
    slow.answerWith((_r, res) => res.writeHead(202).end());
    held.splice(0).forEach((res) => res.writeHead(202).end());
    const seen = () => slow.received.map((r) => String(r.headers['ce-id']));
    const tally = await awaitDeliveries('slow trigger under overload', slowSent, slowAccepted, seen, 20_000);
    expect(tally).toMatchObject({ accepted: MAX_IN_FLIGHT + MAX_QUEUED, delivered: MAX_IN_FLIGHT + MAX_QUEUED, lost: 0 });
  });
});
