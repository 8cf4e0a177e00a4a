import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, PORT_OFFSET, post, SEED_PAYLOAD, seedHeaders, startFlow, type Flow } from './support/flow';
import { predictorAt, withManifests } from './support/manifests';
import { TestSubscriber } from './support/subscriber';
import { waitFor } from './support/wait';
const { startKafka } = require('../../tools/kafka/kafka.js');

const FAILING = 'failing-model';
const TRIGGER = `default/${FAILING}-trigger`;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

interface Entry {
  service: string;
  level: string;
  time: string;
  msg: string;
  [field: string]: unknown;
}

/** The service's log lines, parsed; event-display's printed events are its output, not its log. */
function entries(lines: string[]): { entries: (Entry & { from: string })[]; unreadable: string[] } {
  const parsed: (Entry & { from: string })[] = [];
  const unreadable: string[] = [];
  for (const line of lines) {
    const [from, text] = [line.slice(0, line.indexOf(' | ')), line.slice(line.indexOf(' | ') + 3)];
    try {
      parsed.push({ ...(JSON.parse(text) as Entry), from });
    } catch {
      if (from !== 'event-display') unreadable.push(line);
    }
  }
  return { entries: parsed, unreadable };
}

/**
 * The logs as a log shipper reads them (LOG_FORMAT=json, the default level): one JSON object a
 * line, with the service, an ISO-8601 time and a level name; a healthy start has no error line;
 * a line about an event carries its id, type, Trigger and trace id. On kafka the flow gets a Kafka
 * of its own, started afresh: its first consumer groups meet the coordinator elections that
 * kafkajs logs as errors (GROUP_COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR), which must not be.
 */
describe.each(BACKENDS)('the logs on the %s backend', (backend) => {
  const failingPredictor = new TestSubscriber((_r, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":{"code":500}}'));
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-logs-kafka-'));
  let kafka: { brokers: string; stop(): Promise<void> } | undefined;
  let flow: Flow;
  let atStart: string[];

  beforeAll(async () => {
    await failingPredictor.start();
    if (backend === 'kafka') kafka = await startKafka({ port: 28093 + PORT_OFFSET, controllerPort: 28094 + PORT_OFFSET, dataDir });
    flow = await startFlow(backend, {
      ...(kafka ? { KAFKA_BROKERS: kafka.brokers } : {}),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'log',
      // No retry and no dead-letter sink: the event is lost at once, which is logged at error.
      EVENTING_MANIFESTS: withManifests(predictorAt(FAILING, `${failingPredictor.url}/api/v1.0/predictions`, { delivery: { retry: 0 } })),
    });
    atStart = [...flow.logs];
  });

  afterAll(async () => {
    await flow?.stop();
    await kafka?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    failingPredictor.close();
  });

  it('starts with one JSON line per service saying where it listens, and no error line', () => {
    const { entries: start, unreadable } = entries(atStart);
    expect(unreadable).toEqual([]);
    for (const entry of start) {
      expect(entry.service).toBe(entry.from);
      expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(entry.level);
    }
    expect(start.filter((e) => e.level === 'error' || e.level === 'fatal')).toEqual([]);
    for (const name of Object.keys(flow.services)) {
      expect(start.filter((e) => e.service === name && e.msg.startsWith(`${name} listening on http://`))).toEqual([expect.objectContaining({ level: 'info' })]);
    }
    expect(start.filter((e) => /InstanceLoader|RoutesResolver|RouterExplorer|NestFactory|NestApplication/.test(String(e.context)))).toEqual([]);
  });

  it("writes the event's id, type, Trigger and trace id on the lines about it", async () => {
    const headers = seedHeaders({ 'Ce-Type': `seldon.${FAILING}.default.request`, 'Ce-Traceparent': `00-${TRACE_ID}-00f067aa0ba902b7-01` });
    const id = headers['Ce-Id'];
    expect((await post(`${flow.entry}/`, headers, SEED_PAYLOAD)).status).toBe(202);
    const about = () => entries(flow.logs).entries.filter((e) => e.event_id === id);
    const lost = () => about().find((e) => e.level === 'error' && e.msg.includes(`for trigger ${TRIGGER} lost`));
    await waitFor(() => lost() !== undefined, { what: () => `the error line of event ${id} lost; logs:\n${flow.logs.slice(-20).join('\n')}` });
    // The broker delivers on knative; on kafka the predictor-router consumes its Trigger itself.
    expect(lost()).toMatchObject({ service: backend === 'knative' ? 'broker' : 'predictor-router', event_type: `seldon.${FAILING}.default.request`, trigger: TRIGGER, trace_id: TRACE_ID });
    // The predictor's failure, said by the predictor-router, is about the same event and trace.
    expect(about()).toContainEqual(expect.objectContaining({ service: 'predictor-router', level: 'warn', msg: expect.stringContaining('answered 500'), trace_id: TRACE_ID }));
  });
});
