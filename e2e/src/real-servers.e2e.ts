import { randomUUID } from 'node:crypto';
import { BACKENDS, post, startFlow, waitForResponse, type Flow } from './support/flow';
import { entriesOf, sendThrough, type Entry } from './support/entries';
import { predictorAt, withManifests } from './support/manifests';
import { ModelServer, type ModelServerName } from './support/model-servers';

/**
 * Real model servers behind SeldonDeployments, on both backends and through every entry: MLServer
 * 1.7.1 with mlserver-sklearn (protocol v2 and its old name kfserving), Seldon Core 1.18.2's Python
 * microservice (protocol seldon) and KServe 0.21.0's model server (its V2 as protocol v2, its v1
 * `:predict` as protocol tensorflow), each serving the iris model tools/model-servers trains. A
 * request event's response event carries what that server answers when called directly with the
 * same body; a body of another protocol sent through the broker comes back as a response event
 * marked failed, carrying the server's own refusal. The servers are installed by
 * tools/model-servers/install.sh (.ci/run runs it), started once for the file and shared by both
 * backends.
 */

const ROWS = [
  [1, 2, 3, 4],
  [6.2, 3.4, 5.4, 2.3],
];

interface Case {
  server: ModelServerName;
  protocol: string;
  deployment: string;
  /** The predictor path of the protocol, as the response event's `path` names it. */
  path: string;
  body: (puid: string) => string;
  /** The class probabilities in the server's answer, one row per request row. */
  probabilities: (answer: any) => number[][];
  /**
   * A body of another protocol, which the server refuses with a 4xx. (KServe's v1 `:predict`
   * answers 500 to what it cannot predict: that is retried and dead-lettered, docs/reliability.md.)
   */
  mismatched?: string;
}

/** A V2 request for the rows; the id makes the answer the same whoever sends it. */
function v2Request(puid: string, extra: object = {}): string {
  return JSON.stringify({ id: puid, inputs: [{ name: 'predict', shape: [ROWS.length, 4], datatype: 'FP64', data: ROWS.flat() }], ...extra });
}

/** The rows of the V2 output `name`, an FP64 [N,3]. */
const v2Output = (name: string) => (answer: any) => {
  const output = answer.outputs.find((o: { name: string }) => o.name === name);
  expect(output).toMatchObject({ shape: [ROWS.length, 3], datatype: 'FP64' });
  return ROWS.map((_row, i) => output.data.slice(i * 3, i * 3 + 3));
};

const V2_PATH = '/v2/models/classifier/infer';
const V1_BODY = JSON.stringify({ data: { ndarray: ROWS } });
const V2_BODY = v2Request('mismatched');

/**
 * mlserver-sklearn answers `predict` (the class, INT64 [N,1]) unless the request asks for
 * `predict_proba`; KServe's sklearn model answers predict_proba as its one output `output-0`.
 */
const MLSERVER_V2 = { path: V2_PATH, body: (puid: string) => v2Request(puid, { outputs: [{ name: 'predict_proba' }] }), probabilities: v2Output('predict_proba'), mismatched: V1_BODY };

const CASES: Case[] = [
  { server: 'mlserver', protocol: 'v2', deployment: 'mlserver-v2', ...MLSERVER_V2 },
  { server: 'mlserver', protocol: 'kfserving', deployment: 'mlserver-kfserving', ...MLSERVER_V2 },
  {
    server: 'seldon',
    protocol: 'seldon',
    deployment: 'seldon-microservice',
    path: '/api/v1.0/predictions',
    body: () => V1_BODY,
    mismatched: V2_BODY,
    probabilities: (answer) => {
      expect(answer.data.names).toEqual(['t:0', 't:1', 't:2']);
      return answer.data.ndarray;
    },
  },
  { server: 'kserve', protocol: 'v2', deployment: 'kserve-v2', path: V2_PATH, body: (puid) => v2Request(puid), probabilities: v2Output('output-0'), mismatched: V1_BODY },
  {
    server: 'kserve',
    protocol: 'tensorflow',
    deployment: 'kserve-v1',
    path: '/v1/models/classifier:predict',
    body: () => JSON.stringify({ instances: ROWS }),
    probabilities: (answer) => answer.predictions,
  },
];

const servers = new Map<ModelServerName, ModelServer>(CASES.map((c) => [c.server, new ModelServer(c.server)]));

/** Each case's SeldonDeployment at its server, its request Trigger, and a Trigger showing its responses. */
function manifests(): object[] {
  return CASES.flatMap((c) => [
    ...predictorAt(c.deployment, `${servers.get(c.server)!.url}${c.path}`, { protocol: c.protocol }),
    {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: `${c.deployment}-display`, namespace: 'default' },
      spec: {
        broker: 'default',
        filter: { attributes: { type: `seldon.${c.deployment}.default.response` } },
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } },
      },
    },
  ]);
}

beforeAll(async () => {
  // One after another: three Python servers importing scikit-learn at once on two cores only
  // slow each other down.
  for (const server of servers.values()) await server.start();
}, 600_000);

afterAll(async () => {
  await Promise.all([...servers.values()].map((server) => server.stop()));
});

describe.each(BACKENDS)('real model servers on the %s backend', (backend) => {
  let flow: Flow;

  beforeAll(async () => {
    flow = await startFlow(backend, { EVENTING_MANIFESTS: withManifests(manifests()) });
  });

  afterAll(async () => {
    await flow?.stop();
  });

  const entries = entriesOf(backend);

  const send = (entry: Entry, c: Case, puid: string, body: string) => sendThrough(flow, entry, c, puid, body);

  describe.each(CASES)('$server as protocol $protocol ($deployment)', (c) => {
    it.each(entries)("answers a request sent to the %s with the server's own probabilities", async (entry) => {
      const puid = randomUUID();
      const body = c.body(puid);
      const sent = await send(entry, c, puid, body);
      expect(sent).toMatchObject({ status: 202 });

      const event = await waitForResponse(flow, puid);
      const direct = await post(`${servers.get(c.server)!.url}${c.path}`, { 'content-type': 'application/json' }, body);
      expect(direct.status).toBe(200);
      expect(event).toMatchObject({ id: puid, type: `seldon.${c.deployment}.default.response`, source: `seldon.${c.deployment}`, path: c.path });
      expect(event.seldonstatus).toBeUndefined();

      const expected = c.probabilities(direct.json);
      expect(expected).toHaveLength(ROWS.length);
      for (const row of expected) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(c.probabilities(event.data)).toEqual(expected);
      expect(event.data).toEqual(direct.json);
    });
  });

  if (backend === 'knative') {
    describe.each(CASES.filter((c) => c.mismatched))('$server as protocol $protocol ($deployment), sent a body of another protocol through the broker', (c) => {
      it("answers with a response event marked failed, carrying the server's own status and error", async () => {
        const puid = randomUUID();
        const body = c.mismatched!;
        expect(await send('broker', c, puid, body)).toMatchObject({ status: 202 });
        const direct = await post(`${servers.get(c.server)!.url}${c.path}`, { 'content-type': 'application/json' }, body);
        expect(direct.status).toBeGreaterThanOrEqual(400);
        expect(direct.status).toBeLessThan(500);
        const event = await waitForResponse(flow, puid);
        expect(event).toMatchObject({ id: puid, type: `seldon.${c.deployment}.default.response`, path: c.path, seldonstatus: String(direct.status) });
        expect(event.data).toEqual(direct.json);
      });
    });
  }
});
