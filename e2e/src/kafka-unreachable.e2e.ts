import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectSeedResponse, PORT_BASE, readinessOf, post, SEED_PAYLOAD, seedHeaders, startFlow, waitForResponse, type Flow } from './support/flow';
import { waitFor } from './support/wait';
const { startKafka } = require('../../tools/kafka/kafka.js');

/** Where this suite's Kafka comes up late: nothing listens there when the services start. */
const KAFKA_PORT = PORT_BASE.kafka + 97;
const CAUSE = `Kafka at 127.0.0.1:${KAFKA_PORT} unreachable: ECONNREFUSED`;

/**
 * A start of the kafka backend while Kafka is not there yet (a dead KAFKA_BROKERS, or Kafka
 * starting after the services, as happens in any cluster): every service comes up, unready,
 * saying why in its readiness and in one log line; the ingress refuses at once naming the cause;
 * once Kafka answers, they become ready by themselves and the flow works.
 */
describe('the kafka backend started before Kafka', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-kafka-late-'));
  let kafka: { stop(): Promise<void> } | undefined;
  let flow: Flow;
  let kafkaServices: string[];

  beforeAll(async () => {
    flow = await startFlow('kafka', { KAFKA_BROKERS: `127.0.0.1:${KAFKA_PORT}`, PUBLISH_TIMEOUT_MS: '10000' }, { waitReady: false });
    kafkaServices = Object.keys(flow.services).filter((name) => name !== 'model-server');
  });

  afterAll(async () => {
    await flow?.stop();
    await kafka?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every service running and unready, each saying why once', async () => {
    type State = { name: string; status: number; waitingFor: string[] };
    const states = async (): Promise<State[]> =>
      Promise.all(kafkaServices.map(async (name) => ({ name, ...(await readinessOf(flow.services[name].url).catch(() => ({ status: 0, waitingFor: [] as string[] }))) })));
    let seen: State[] = [];
    await waitFor(async () => (seen = await states()).every((s) => s.status === 503 && s.waitingFor.includes(CAUSE)), {
      what: () => `every service to be unready with "${CAUSE}": ${JSON.stringify(seen)}`,
      timeoutMs: 30_000,
    });
    // The predictor-router used to crash once kafkajs's connection retries ran out: its consumers now retry on.
    await waitFor(() => flow.logs.some((line) => line.startsWith('predictor-router | ') && line.includes('Trigger consumers not started')), {
      what: "the predictor-router's consumers to have failed a start and to retry",
      timeoutMs: 60_000,
    });
    for (const name of kafkaServices) {
      expect({ name, causeLines: flow.logs.filter((line) => line.startsWith(`${name} | `) && line.includes(CAUSE)).length }).toEqual({ name, causeLines: 1 });
    }
    expect(Object.values(flow.services).filter((s) => !s.alive)).toEqual([]);
  });

  it('answers a request at once with 503 naming the cause, not after its publish timeout', async () => {
    const started = Date.now();
    const answer = await post(`${flow.ingress}/`, seedHeaders(), SEED_PAYLOAD);
    expect(answer).toMatchObject({ status: 503, json: { error: expect.stringContaining(CAUSE) } });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('becomes ready by itself once Kafka answers, and serves the flow', async () => {
    kafka = await startKafka({ port: KAFKA_PORT, controllerPort: KAFKA_PORT + 1, dataDir });
    await waitFor(async () => (await Promise.all(kafkaServices.map((name) => readinessOf(flow.services[name].url)))).every((s) => s.status === 200), {
      what: 'every service to be ready once Kafka is up',
      timeoutMs: 90_000,
    });
    const puid = randomUUID();
    expect((await post(`${flow.ingress}/`, seedHeaders({ 'Ce-Seldonpuid': puid }), SEED_PAYLOAD)).status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid, 30_000));
    expect(Object.values(flow.services).filter((s) => !s.alive)).toEqual([]);
  });
});
