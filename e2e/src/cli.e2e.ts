import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { BACKENDS, flowPorts, startFlow, waitForDisplayed, type Backend, type Flow } from './support/flow';
import { predictorAt, withManifests } from './support/manifests';
import { TestSubscriber, type Received } from './support/subscriber';
import { waitFor } from './support/wait';

const CLI = join(__dirname, '../../tools/cli/bin/seldon-eventing.js');
const SEED_DATA = '{"data": { "ndarray": [[1,2,3,4]]}}';
/** The probabilities the README shows for the seed request. */
const README_PROBABILITIES = [0.03590213673283693, 0.00617780236286687, 0.9579200609042963];
const REPLAYED = 'replay-model';
const DEAD_LETTER_TOPIC = 'e2e-cli-dead-letters';

/** A binary-mode dead letter as the CloudEvents JSON format, one line of a replay file (its JSON data kept as JSON). */
function letterJson(letter: Received): Record<string, unknown> {
  const attributes = Object.entries(letter.headers)
    .filter(([name]) => name.startsWith('ce-'))
    .map(([name, value]) => [name.slice('ce-'.length), decodeURIComponent(String(value))]);
  return { ...Object.fromEntries(attributes), datacontenttype: letter.headers['content-type'], data: JSON.parse(letter.body.toString('utf8')) };
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `seldon-eventing ...` as a user would, a child process with the flow's port variables. */
function cli(flow: Flow, args: string[], timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...flowPorts(flow.backend), NO_COLOR: '1' }, timeout: timeoutMs }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A deployment answered by the flow's own model-server whose Trigger dead-letters after one retry; event-display shows its responses. */
function replayManifests(backend: Backend, modelServer: string, sink: string): object[] {
  const deadLetterSink =
    backend === 'kafka' ? { ref: { apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'KafkaSink', name: 'cli-dead-letters' } } : { uri: sink };
  return [
    ...predictorAt(REPLAYED, `${modelServer}/api/v1.0/predictions`, { delivery: { retry: 1, backoffPolicy: 'linear', backoffDelay: 'PT0.05S', deadLetterSink } }),
    ...(backend === 'kafka'
      ? [{ apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'KafkaSink', metadata: { name: 'cli-dead-letters', namespace: 'default' }, spec: { topic: DEAD_LETTER_TOPIC, bootstrapServers: [process.env.KAFKA_BROKERS] } }]
      : []),
    {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: 'cli-replayed-display', namespace: 'default' },
      spec: { broker: 'default', filter: { attributes: { type: `seldon.${REPLAYED}.default.response` } }, subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } } },
    },
  ];
}

/**
 * The CLI against the real services, as a child process, on each backend. `predict` and `watch`
 * read the broker topic with --kafka on the kafka backend, and follow event-display's
 * /events/stream on knative.
 */
describe.each(BACKENDS)('seldon-eventing on the %s backend', (backend) => {
  const sink = new TestSubscriber();
  let flow: Flow;
  const kafka = () => ['--kafka', String(process.env.KAFKA_BROKERS)];
  /** Where predict and watch read events from: the topic on kafka, event-display's stream on knative. */
  const feed = () => (backend === 'kafka' ? kafka() : []);
  /** The records on the KafkaSink's topic. */
  const deadLettersOnTopic = async () => {
    const admin = new Kafka({ clientId: 'e2e-cli', brokers: [String(process.env.KAFKA_BROKERS)], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(DEAD_LETTER_TOPIC)) return 0;
      return (await admin.fetchTopicOffsets(DEAD_LETTER_TOPIC)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    await sink.start();
    const modelServer = `http://127.0.0.1:${flowPorts(backend).MODEL_SERVER_PORT}`;
    flow = await startFlow(backend, { EVENTING_MANIFESTS: withManifests(replayManifests(backend, modelServer, `${sink.url}/dead-letters`)) });
  });

  afterAll(async () => {
    await flow?.stop();
    sink.close();
  });

  it('send: the seed request is accepted (202) and answered; a refusal exits 5 with the reason', async () => {
    const to = backend === 'knative' ? 'broker' : 'ingress';
    const id = `cli-send-${backend}`;
    const sent = await cli(flow, ['send', '--to', to, '--type', 'seldon.iris-deployment.default.request', '--source', 'seldon.examples.streaming.curl', '--specversion', '0.3', '--data', SEED_DATA, '--ext', `seldonpuid=${id}`]);
    expect(sent).toMatchObject({ code: 0, stdout: expect.stringMatching(/^202 /) });
    await waitForDisplayed(flow, (events) => events.length === 1, 20_000, `?id=${id}`);

    const refused = await cli(flow, ['send', '--to', 'ingress', '--type', 'seldon.iris-deployment.default.request', '--data', '{"data":{"ndarray":"x"}}']);
    expect(refused.code).toBe(5);
    expect(refused.stdout).toMatch(/^400 /);
  });

  it('triggers: lists the seed Triggers, ready, with their subscribers', async () => {
    const listed = await cli(flow, ['triggers']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/default\/seldon-eventing-sklearn-trigger \(broker default\) ready/);
    expect(listed.stdout).toMatch(/default\/event-display \(broker default\) ready/);
    const json = JSON.parse((await cli(flow, ['triggers', '--json'])).stdout) as { name: string; servedBy: string | null }[];
    expect(json.find((t) => t.name === 'seldon-eventing-sklearn-trigger')?.servedBy).toBe('predictor-router');
  });

  it("predict: prints the README's probabilities, as a table and as JSON", async () => {
    const table = await cli(flow, ['predict', 'iris-deployment', '--data', SEED_DATA, ...feed()]);
    expect(table).toMatchObject({ code: 0 });
    expect(table.stdout).toMatch(/t:2\s+0\.957920/);
    const json = await cli(flow, ['predict', 'iris-deployment', '-n', 'default', '--data', SEED_DATA, '--json', ...feed()]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).data.ndarray[0]).toEqual(README_PROBABILITIES);
  });

  it('predict: a failed prediction exits 1 with the error; no answer exits 3 at --timeout', async () => {
    const failed = await cli(flow, ['predict', 'iris-deployment', '--data', '{"data":{"ndarray":[[1,2,3]]}}', '--json', ...feed()]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('the predictor answered 400');
    const model = flow.services['model-server'];
    await model.stop();
    try {
      const silent = await cli(flow, ['predict', 'iris-deployment', '--data', SEED_DATA, '--timeout', '2', ...feed()]);
      expect(silent.code).toBe(3);
    } finally {
      await model.start();
    }
  });

  it('watch: prints the events that pass, as JSON lines or as event-display prints them', async () => {
    const watching = cli(flow, ['watch', '--type', 'seldon.iris-deployment.default.response', '--count', '1', '--json', ...feed()]);
    const text = cli(flow, ['watch', '--type', 'seldon.iris-deployment.default.response', '--count', '1', ...feed()]);
    // The watchers join with throwaway groups first: send until they have seen one.
    let finished = false;
    const both = Promise.all([watching, text]).finally(() => (finished = true));
    await waitFor(async () => {
      if (finished) return true;
      await cli(flow, ['send', '--to', 'ingress', '--type', 'seldon.iris-deployment.default.request', '--data', SEED_DATA]);
      return false;
    }, { what: 'the watchers to print a response', timeoutMs: 60_000, intervalMs: 1000 });
    const [json, printed] = await both;
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ type: 'seldon.iris-deployment.default.response', source: 'seldon.iris-deployment', path: '/api/v1.0/predictions' });
    expect(printed.stdout).toMatch(/^☁️ {2}cloudevents\.Event\nContext Attributes,\n {2}specversion: 0\.3\n {2}type: seldon\.iris-deployment\.default\.response/);
  });

  it('replay: dead letters sent while the predictor was down are answered once it is back', async () => {
    const model = flow.services['model-server'];
    await model.stop();
    const ids = ['a', 'b', 'c'].map((s) => `cli-replay-${backend}-${s}`);
    try {
      for (const id of ids) {
        const sent = await cli(flow, ['send', '--to', 'ingress', '--type', `seldon.${REPLAYED}.default.request`, '--id', id, '--data', SEED_DATA, '--ext', `seldonpuid=${id}`]);
        expect(sent.code).toBe(0);
      }
      if (backend === 'knative') await sink.waitFor(3, 30_000);
      else await waitFor(async () => (await deadLettersOnTopic()) === 3, { what: `three dead letters on ${DEAD_LETTER_TOPIC}`, timeoutMs: 30_000 });
    } finally {
      await model.start();
    }
    let replayed: CliRun;
    if (backend === 'knative') {
      const file = join(tmpdir(), `cli-dead-letters-${process.pid}.jsonl`);
      const letters = sink.received.map(letterJson);
      expect(letters.every((l) => l.knativeerrorcode !== undefined)).toBe(true);
      writeFileSync(file, letters.map((l) => JSON.stringify(l)).join('\n'));
      replayed = await cli(flow, ['replay', '--file', file, '--to', 'broker']);
    } else {
      replayed = await cli(flow, ['replay', '--topic', DEAD_LETTER_TOPIC, ...kafka(), '--to', 'ingress']);
    }
    expect(replayed).toMatchObject({ code: 0, stdout: expect.stringContaining('replayed 3 of 3') });
    const responses = await waitForDisplayed(flow, (events) => ids.every((id) => events.some((e) => e.id === id)), 30_000, `?type=seldon.${REPLAYED}.default.response`);
    expect(responses.filter((e) => ids.includes(e.id)).every((e) => e.seldonstatus === undefined && e.data.data.ndarray[0].length === 3)).toBe(true);
  });
});
