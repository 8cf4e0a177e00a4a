import { randomUUID } from 'node:crypto';
import { BACKENDS, flowPorts, PORT_BASE, post, startFlow, waitForDisplayed, waitForResponse, type Flow } from './support/flow';
import { withManifests } from './support/manifests';
import { scrape, total } from './support/metrics';
import { TestSubscriber } from './support/subscriber';

/**
 * Opt-in micro-batching (SeldonDeployment annotations seldon-eventing.io/batch-max-size and
 * batch-max-wait-ms), end to end against the embedded model-server on both backends: concurrent
 * requests for a batching deployment are answered each with its own response event, whose data is
 * the model-server's own answer to that request alone, while the model-server is called fewer
 * times than there were requests; a request that cannot merge goes alone; and with the
 * model-server down, each event is retried and dead-lettered on its own.
 */

const MAX_SIZE = 4;
/** Long enough for the concurrent requests of a test to meet in one batch on a busy machine. */
const MAX_WAIT_MS = 1000;

interface Protocol {
  protocol: 'seldon' | 'v2' | 'tensorflow';
  deployment: string;
  path: string;
  /** A request of these rows; `puid` makes a V2 answer's id the same whoever calls. */
  body: (rows: number[][], puid: string) => string;
}

const PROTOCOLS: Protocol[] = [
  { protocol: 'seldon', deployment: 'iris-batched', path: '/api/v1.0/predictions', body: (rows) => JSON.stringify({ data: { ndarray: rows } }) },
  {
    protocol: 'v2',
    deployment: 'iris-batched-v2',
    path: '/v2/models/classifier/infer',
    body: (rows, puid) => JSON.stringify({ id: puid, inputs: [{ name: 'predict', shape: [rows.length, 4], datatype: 'FP64', data: rows.flat() }] }),
  },
  { protocol: 'tensorflow', deployment: 'iris-batched-tf', path: '/v1/models/classifier:predict', body: (rows) => JSON.stringify({ instances: rows }) },
];

/** Request i: one or two rows of its own, so that each answer differs. */
const rowsOf = (i: number): number[][] => (i % 3 === 1 ? [[5.1 + i, 3.5, 1.4, 0.2], [6.2, 3.4 - i / 10, 5.4, 2.3]] : [[1 + i / 2, 2, 3, 4]]);

function batchedDeployment(p: Protocol, modelServer: string, deadLetters: string): object[] {
  const protocol = p.protocol === 'seldon' ? {} : { protocol: p.protocol };
  return [
    {
      apiVersion: 'machinelearning.seldon.io/v1',
      kind: 'SeldonDeployment',
      metadata: {
        name: p.deployment,
        namespace: 'default',
        annotations: { 'seldon-eventing.io/batch-max-size': String(MAX_SIZE), 'seldon-eventing.io/batch-max-wait-ms': String(MAX_WAIT_MS) },
      },
      spec: { ...protocol, predictors: [{ name: 'default', graph: { name: 'classifier' } }] },
      status: { address: { url: `${modelServer}${p.path}` } },
    },
    {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: `${p.deployment}-trigger`, namespace: 'default' },
      spec: {
        broker: 'default',
        filter: { attributes: { type: `seldon.${p.deployment}.default.request` } },
        subscriber: { ref: { apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment', name: p.deployment } },
        delivery: { retry: 2, backoffPolicy: 'linear', backoffDelay: 'PT0.1S', deadLetterSink: { uri: deadLetters } },
      },
    },
    {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: `${p.deployment}-display`, namespace: 'default' },
      spec: {
        broker: 'default',
        filter: { attributes: { type: `seldon.${p.deployment}.default.response` } },
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } },
      },
    },
  ];
}

describe.each(BACKENDS)('micro-batching on the %s backend', (backend) => {
  let flow: Flow;
  let modelServer: string;
  // On a port of the flow's band (the services take base + 80..90), below the ephemeral range.
  const deadLetters = new TestSubscriber();

  beforeAll(async () => {
    await deadLetters.start(PORT_BASE[backend] + 87);
    modelServer = `http://127.0.0.1:${flowPorts(backend).MODEL_SERVER_PORT}`;
    flow = await startFlow(backend, { EVENTING_MANIFESTS: withManifests(PROTOCOLS.flatMap((p) => batchedDeployment(p, modelServer, `${deadLetters.url}/dead-letters`))) });
  });

  afterAll(async () => {
    await flow?.stop();
    deadLetters.close();
  });

  /** Sends a request event for `p` carrying `body`; its response event's id will be `puid`. */
  const send = async (p: Protocol, puid: string, body: string, id = randomUUID()) => {
    const headers = {
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-type': `seldon.${p.deployment}.default.request`,
      'ce-source': 'e2e/batching',
      'ce-seldonpuid': puid,
      'content-type': 'application/json',
    };
    const sent = await post(`${flow.entry}/default/default`, headers, body);
    expect(sent.status).toBe(202);
  };

  const callsOf = async (protocol: string) => total(await scrape(modelServer), 'model_server_prediction_calls_total', { protocol });

  /** The model-server's own answer to `body` alone. */
  const direct = async (p: Protocol, puid: string, body: string) => {
    const answer = await post(`${modelServer}${p.path}`, { 'content-type': 'application/json', 'seldon-puid': puid }, body);
    expect(answer.status).toBe(200);
    return answer.json;
  };

  it.each(PROTOCOLS)(
    "answers $protocol requests sent together each with its own response event, data equal to the model-server's answer to it alone, in fewer calls",
    async (p) => {
      const requests = Array.from({ length: 2 * MAX_SIZE }, (_, i) => {
        const puid = randomUUID();
        return { puid, body: p.body(rowsOf(i), puid) };
      });
      const before = await callsOf(p.protocol);
      await Promise.all(requests.map((r) => send(p, r.puid, r.body)));
      const events = await Promise.all(requests.map((r) => waitForResponse(flow, r.puid)));
      const calls = (await callsOf(p.protocol)) - before;

      expect(new Set(events.map((e) => e.id)).size).toBe(requests.length);
      for (const [i, event] of events.entries()) {
        expect(event).toMatchObject({ id: requests[i].puid, type: `seldon.${p.deployment}.default.response`, source: `seldon.${p.deployment}`, path: p.path });
        expect(event.seldonstatus).toBeUndefined();
        expect(event.data).toEqual(await direct(p, requests[i].puid, requests[i].body));
      }
      expect(calls).toBeGreaterThanOrEqual(requests.length / MAX_SIZE);
      expect(calls).toBeLessThan(requests.length);
    },
  );

  it('sends a request that cannot merge (a v1 tensor) alone, while the others sent with it share one call', async () => {
    const p = PROTOCOLS[0];
    const tensor = { puid: randomUUID(), body: JSON.stringify({ data: { tensor: { shape: [1, 4], values: [4.9, 3, 1.4, 0.2] } } }) };
    const rows = [0, 1, 2].map((i) => ({ puid: randomUUID(), body: p.body(rowsOf(i), '') }));
    const before = await callsOf('seldon');
    await Promise.all([tensor, ...rows].map((r) => send(p, r.puid, r.body)));
    const [alone, ...merged] = await Promise.all([tensor, ...rows].map((r) => waitForResponse(flow, r.puid)));
    expect(alone.data).toEqual(await direct(p, tensor.puid, tensor.body));
    expect(alone.data.data.tensor.shape).toEqual([1, 3]);
    for (const [i, event] of merged.entries()) expect(event.data).toEqual(await direct(p, rows[i].puid, rows[i].body));
    // Measured before the direct calls above: the tensor's own call and the three rows' one.
    expect((await callsOf('seldon')) - before - 1 - rows.length).toBe(2);
  });

  it('with the model-server stopped, retries and dead-letters each event of a batch on its own', async () => {
    const p = PROTOCOLS[0];
    const requests = [0, 1, 2].map((i) => ({ id: randomUUID(), puid: randomUUID(), body: p.body(rowsOf(i), '') }));
    const routerCalls = async () => total(await scrape(flow.services['predictor-router'].url), 'seldon_api_executor_client_requests_seconds_count', { deployment_name: p.deployment, code: 'error' });
    const failedBefore = await routerCalls();
    await flow.services['model-server'].stop();
    try {
      await Promise.all(requests.map((r) => send(p, r.puid, r.body, r.id)));
      await deadLetters.waitFor(requests.length, 30_000);
    } finally {
      await flow.services['model-server'].start();
    }
    for (const r of requests) {
      const letters = deadLetters.received.filter((l) => l.headers['ce-id'] === r.id);
      expect(letters).toHaveLength(1);
      expect(letters[0].headers).toMatchObject({ 'ce-type': `seldon.${p.deployment}.default.request`, 'ce-seldonpuid': r.puid, 'ce-knativeerrorcode': '502' });
      expect(JSON.parse(letters[0].body.toString())).toEqual(JSON.parse(r.body));
      // Not answered: a response event's id would be the puid.
      expect(await waitForDisplayed(flow, () => true, 1000, `?id=${r.puid}`)).toHaveLength(0);
    }
    // Three attempts each (retry: 2), the batches of the three failing together at each attempt.
    expect((await routerCalls()) - failedBefore).toBeGreaterThanOrEqual(3);
  });
});
