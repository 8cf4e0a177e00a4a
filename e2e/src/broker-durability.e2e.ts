import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PORT_OFFSET, post, type ServiceHandle } from './support/flow';
import { TestSubscriber } from './support/subscriber';
import { waitFor } from './support/wait';
const { startServices } = require('../../tools/run/services.js');

/**
 * The embedded broker's event log (BROKER_LOG_DIR) and graceful stop: a broker killed with
 * SIGKILL loses nothing it answered 202 to, a SIGTERM stops intake and leaves the rest for the
 * next start, and without the setting nothing is kept.
 */
describe('the embedded broker, stopped and killed', () => {
  const subscriber = new TestSubscriber();
  /** 2xx answers the subscriber gave, per event id. */
  const acknowledged = new Map<string, number>();
  let answer: (id: string) => { status: number; delayMs: number } = () => ({ status: 202, delayMs: 0 });
  let broker: ServiceHandle | undefined;
  const manifests = mkdtempSync(join(tmpdir(), 'durable-e2e-'));

  beforeAll(async () => {
    subscriber.answerWith((req, res) => {
      const id = String(req.headers['ce-id']);
      const { status, delayMs } = answer(id);
      setTimeout(() => {
        if (status < 300) acknowledged.set(id, (acknowledged.get(id) ?? 0) + 1);
        res.writeHead(status).end();
      }, delayMs);
    });
    await subscriber.start();
    writeFileSync(
      join(manifests, 'trigger.yaml'),
      `apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: durable, namespace: default }
spec:
  broker: default
  filter: { attributes: { type: test.durable } }
  subscriber: { uri: "${subscriber.url}/" }
  delivery: { retry: 50, backoffPolicy: linear, backoffDelay: PT0.05S }
`,
    );
  });

  afterEach(async () => {
    await broker?.stop();
    broker = undefined;
    acknowledged.clear();
  });

  afterAll(() => subscriber.close());

  const startBroker = async (env: Record<string, string>): Promise<ServiceHandle> => {
    const services = await startServices({
      backend: 'knative',
      only: ['broker'],
      env: { ...process.env, BROKER_PORT: String(18385 + PORT_OFFSET), EVENTING_MANIFESTS: manifests, LOG_LEVEL: 'warn', LOCAL_ADDRESSES: '', ...env },
    });
    broker = services.broker as ServiceHandle;
    return broker;
  };

  const send = (id: string) =>
    post(`${(broker as ServiceHandle).url}/default/default`, { 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': 'e2e/durable', 'ce-type': 'test.durable', 'content-type': 'application/json' }, `{"n":"${id}"}`);

  /** Sends `ids` with a few requests at a time; returns how many were answered 202. */
  const sendAll = async (ids: string[], concurrency = 16): Promise<number> => {
    let accepted = 0;
    let next = 0;
    const worker = async () => {
      while (next < ids.length) if ((await send(ids[next++])).status === 202) accepted++;
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return accepted;
  };

  /** How many of `ids` the subscriber acknowledged, once all did or `timeoutMs` passed. */
  const waitDelivered = async (ids: string[], timeoutMs = 60_000) => {
    // A timeout is not the failure here: callers print and assert on the count.
    await waitFor(() => ids.every((id) => acknowledged.has(id)), { what: 'every event to be acknowledged', timeoutMs }).catch(() => undefined);
    return ids.filter((id) => acknowledged.has(id)).length;
  };

  it('delivers every event it answered 202 to after a SIGKILL, with the log on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-log-'));
    // A slow subscriber, so that the kill finds deliveries done, in flight and queued.
    answer = () => ({ status: 202, delayMs: 50 });
    const env = { BROKER_LOG_DIR: dir, BROKER_MAX_IN_FLIGHT_PER_TRIGGER: '4' };
    const handle = await startBroker(env);
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const accepted = await sendAll(ids);
    await handle.kill();
    const beforeKill = acknowledged.size;

    await handle.start();
    const delivered = await waitDelivered(ids);
    const duplicated = [...acknowledged.values()].reduce((sum, n) => sum + n - 1, 0);
    process.stdout.write(
      `broker SIGKILL with log: sent ${ids.length}, accepted ${accepted}, delivered ${delivered}, duplicated ${duplicated}, lost ${accepted - delivered} (${beforeKill} delivered before the kill)\n`,
    );
    expect(accepted).toBe(ids.length);
    expect(beforeKill).toBeLessThan(ids.length);
    expect(delivered).toBe(ids.length);

    // Everything delivered and acknowledged: a clean stop leaves no segment behind.
    await handle.stop();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops intake on SIGTERM with 503, and delivers the rest after the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-log-'));
    answer = () => ({ status: 202, delayMs: 1500 });
    const handle = await startBroker({ BROKER_LOG_DIR: dir, BROKER_MAX_IN_FLIGHT_PER_TRIGGER: '2', BROKER_DRAIN_TIMEOUT_MS: '5000' });
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const arrivedBefore = subscriber.received.length;
    expect(await sendAll(ids)).toBe(ids.length);
    // Once two deliveries are in flight, the stop waits for them and refuses new events meanwhile.
    await waitFor(() => subscriber.received.length >= arrivedBefore + 2, { what: 'two deliveries in flight at the slow subscriber' });
    const began = Date.now();
    const stopping = handle.stop();
    let refusal: { status: number; json: any } | undefined;
    while (!refusal && Date.now() - began < 5000) {
      const res = await send(randomUUID()).catch(() => undefined);
      if (res && res.status !== 202) refusal = res;
    }
    await stopping;
    expect(refusal).toMatchObject({ status: 503, json: { error: expect.stringContaining('shutting down') } });
    expect(Date.now() - began).toBeLessThan(5000 + 3000);
    expect(acknowledged.size).toBeLessThan(ids.length);

    answer = () => ({ status: 202, delayMs: 0 });
    await handle.start();
    expect(await waitDelivered(ids)).toBe(ids.length);
  });

  it('keeps nothing with the log off: what was queued at a SIGKILL is gone', async () => {
    const down = new Set<string>();
    answer = (id) => ({ status: down.has(id) ? 503 : 202, delayMs: 0 });
    // One delivery at a time, so that the one sent after the restart comes after anything replayed.
    const handle = await startBroker({ BROKER_MAX_IN_FLIGHT_PER_TRIGGER: '1' });
    const ids = Array.from({ length: 20 }, () => randomUUID());
    ids.forEach((id) => down.add(id));
    expect(await sendAll(ids)).toBe(ids.length);
    await handle.kill();
    down.clear();

    await handle.start();
    // Anything replayed would be queued before this one, which arrives all the same.
    const sentinel = randomUUID();
    expect((await send(sentinel)).status).toBe(202);
    expect(await waitDelivered([sentinel])).toBe(1);
    expect(ids.filter((id) => acknowledged.has(id))).toEqual([]);
  });
});
