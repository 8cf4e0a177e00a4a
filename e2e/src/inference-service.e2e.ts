import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BACKENDS, PORT_BASE, post, startFlow, waitForResponse, type Backend, type Flow, type ServiceHandle } from './support/flow';
import { withManifests } from './support/manifests';
const { SERVICES, ServiceProcess } = require('../../tools/run/services.js');

/**
 * KServe InferenceServices (serving.kserve.io/v1beta1) as Trigger subscribers, on both backends:
 * Knative resolves one to its `status.address.url` (the host only, as KServe >= 0.11 writes it,
 * mapped here by the address map), the predictor-router calls its protocol's path with the model
 * named after the InferenceService, and the answer comes back as KServe's own response event
 * (`io.kserve.inference.response`, source `io.kserve.inference.<name>`) whose id is the puid.
 * Each InferenceService is an embedded model-server whose MODEL_NAME is the InferenceService's name.
 */

const ROWS = [
  [1, 2, 3, 4],
  [6.2, 3.4, 5.4, 2.3],
];

interface Isvc {
  name: string;
  protocolVersion: 'v1' | 'v2';
  /** Beside the flow's own ports (base + 80..90). */
  portOffset: number;
  path: string;
  body: (puid: string) => string;
  /** Whether its manifest carries status.address.url (else the router computes the same host). */
  withStatus: boolean;
}

const ISVCS: Isvc[] = [
  { name: 'iris-kserve', protocolVersion: 'v1', portOffset: 91, path: '/v1/models/iris-kserve:predict', body: () => JSON.stringify({ instances: ROWS }), withStatus: true },
  {
    name: 'iris-kserve-v2',
    protocolVersion: 'v2',
    portOffset: 92,
    path: '/v2/models/iris-kserve-v2/infer',
    // The id makes the model-server's answer the same whoever calls it.
    body: (puid) => JSON.stringify({ id: puid, inputs: [{ name: 'predict', shape: [2, 4], datatype: 'FP64', data: ROWS.flat() }] }),
    withStatus: false,
  },
];

const host = (isvc: Isvc) => `${isvc.name}.default.svc.cluster.local`;

function manifests(): object[] {
  return [
    ...ISVCS.flatMap((isvc) => [
      {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: isvc.name, namespace: 'default' },
        spec: { predictor: { model: { modelFormat: { name: 'sklearn' }, protocolVersion: isvc.protocolVersion, storageUri: 'file://models/iris' } } },
        ...(isvc.withStatus ? { status: { address: { url: `http://${host(isvc)}` } } } : {}),
      },
      {
        apiVersion: 'eventing.knative.dev/v1',
        kind: 'Trigger',
        metadata: { name: `${isvc.name}-trigger`, namespace: 'default' },
        spec: {
          broker: 'default',
          filter: { attributes: { type: 'io.kserve.inference.request', subject: isvc.name } },
          subscriber: { ref: { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', name: isvc.name } },
        },
      },
    ]),
    {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: 'kserve-display', namespace: 'default' },
      spec: { broker: 'default', filter: { attributes: { type: 'io.kserve.inference.response' } }, subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } } },
    },
  ];
}

/** The checkout's address map, plus each InferenceService's host at its own model-server. */
function localAddresses(backend: Backend): string {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-isvc-'));
  const file = join(dir, 'local-addresses.yaml');
  const lines = ISVCS.map((isvc) => `${host(isvc)}: http://127.0.0.1:${PORT_BASE[backend] + isvc.portOffset}`);
  writeFileSync(file, `${readFileSync('config/local-addresses.yaml', 'utf8')}\n${lines.join('\n')}\n`);
  return file;
}

function requestHeaders(isvc: Isvc, puid: string): Record<string, string> {
  return {
    'ce-specversion': '1.0',
    'ce-id': randomUUID(),
    'ce-type': 'io.kserve.inference.request',
    'ce-source': 'e2e/inference-service',
    'ce-subject': isvc.name,
    'ce-seldonpuid': puid,
    'content-type': 'application/json',
  };
}

describe.each(BACKENDS)('KServe InferenceServices on the %s backend', (backend) => {
  let flow: Flow;
  const servers: ServiceHandle[] = [];
  const serverOf = (isvc: Isvc) => servers[ISVCS.indexOf(isvc)];

  beforeAll(async () => {
    const modelServer = SERVICES.find((s: { name: string }) => s.name === 'model-server');
    for (const isvc of ISVCS) {
      const env = { ...process.env, MODEL_SERVER_PORT: String(PORT_BASE[backend] + isvc.portOffset), MODEL_NAME: isvc.name, LOG_LEVEL: 'warn' };
      servers.push(await new ServiceProcess(modelServer, env, () => undefined).start());
    }
    flow = await startFlow(backend, { EVENTING_MANIFESTS: withManifests(manifests()), LOCAL_ADDRESSES: localAddresses(backend) });
  });

  afterAll(async () => {
    await flow?.stop();
    for (const server of servers) await server.stop();
  });

  it('serves both Triggers from the predictor-router, at the host Knative resolves', async () => {
    const triggers = (await (await fetch(`${flow.services['predictor-router'].url}/triggers`)).json()) as { name: string; subscriber: string; servedBy: string; ready: boolean }[];
    for (const isvc of ISVCS) {
      expect(triggers.find((t) => t.name === `${isvc.name}-trigger`)).toMatchObject({ ready: true, subscriber: `http://${host(isvc)}/`, servedBy: 'predictor-router' });
    }
  });

  const entries = backend === 'knative' ? ['broker', 'ingress-adapter'] : ['ingress-adapter'];

  describe.each(ISVCS)('protocolVersion $protocolVersion ($name)', (isvc) => {
    it.each(entries)("answers a request sent to the %s with KServe's response event carrying the model server's own answer", async (entry) => {
      const puid = randomUUID();
      const body = isvc.body(puid);
      const to = entry === 'broker' ? flow.services.broker.url : flow.ingress;
      expect((await post(`${to}/default/default`, requestHeaders(isvc, puid), body)).status).toBe(202);

      const event = await waitForResponse(flow, puid);
      const direct = await post(`${serverOf(isvc).url}${isvc.path}`, { 'content-type': 'application/json' }, body);
      expect(direct.status).toBe(200);
      expect(event).toMatchObject({ id: puid, type: 'io.kserve.inference.response', source: `io.kserve.inference.${isvc.name}`, path: isvc.path });
      expect(event.seldonstatus).toBeUndefined();
      expect(event.data).toEqual(direct.json);
    });
  });

  it("refuses at the ingress-adapter a body of another protocol than the InferenceService's, with 400 naming it", async () => {
    const [v1, v2] = ISVCS;
    const wrong = await post(`${flow.ingress}/default/default`, requestHeaders(v1, randomUUID()), v2.body('x'));
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatch(/invalid tensorflow request: /);
    const wrongV2 = await post(`${flow.ingress}/default/default`, requestHeaders(v2, randomUUID()), v1.body('x'));
    expect(wrongV2.status).toBe(400);
    expect(wrongV2.json.error).toMatch(/invalid v2 request: inputs is required/);
  });

  if (backend === 'knative') {
    it("answers a mismatched body that reaches the InferenceService through the broker with a response event marked failed", async () => {
      const [v1, v2] = ISVCS;
      const puid = randomUUID();
      expect((await post(`${flow.services.broker.url}/default/default`, requestHeaders(v1, puid), v2.body(puid))).status).toBe(202);
      const event = await waitForResponse(flow, puid);
      expect(event).toMatchObject({ id: puid, type: 'io.kserve.inference.response', source: 'io.kserve.inference.iris-kserve', seldonstatus: '400' });
    });
  }
});
