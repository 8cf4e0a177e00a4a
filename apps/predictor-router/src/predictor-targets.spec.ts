import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@seldon-eventing/cloudevents';
import { PREDICTOR_ROUTER, Topology } from '@seldon-eventing/topology';
import { PredictorTargets } from './predictor-targets';

/** Two InferenceServices (v1 and v2) and their Triggers, beside the seed's deployments. */
const kserve = mkdtempSync(join(tmpdir(), 'targets-'));
writeFileSync(
  join(kserve, 'isvc.yaml'),
  ['iris-kserve', 'iris-kserve-v2']
    .map(
      (name) => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: ${name} }
spec: { predictor: { model: { protocolVersion: ${name.endsWith('v2') ? 'v2' : 'v1'} } } }
status: { address: { url: "http://${name}.default.svc.cluster.local" } }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: ${name} }
spec:
  broker: default
  subscriber: { ref: { apiVersion: serving.kserve.io/v1beta1, kind: InferenceService, name: ${name} } }
`,
    )
    .join('---\n'),
);

const topology = Topology.load(
  {
    manifests: [join(__dirname, '../../../config/manifests'), kserve],
    localAddresses: join(__dirname, '../../../config/local-addresses.yaml'),
    clusterDomain: 'cluster.local',
    selfConsuming: [],
    serviceNamespace: 'default',
    variables: { MODEL_SERVER_PORT: '9123' },
  },
  { warn: () => undefined },
);
const targets = new PredictorTargets(topology);
const request = (type = 'seldon.iris-deployment.default.request') => createEvent({ source: 'test', type });

describe('PredictorTargets', () => {
  it("calls a Trigger's SeldonDeployment at its local address, named after the reference", () => {
    const [compiled] = topology.triggersOf(PREDICTOR_ROUTER);
    expect(targets.find(request('anything.else'), compiled)).toEqual({
      url: new URL('http://127.0.0.1:9123/api/v1.0/predictions'),
      name: { deployment: 'iris-deployment', namespace: 'default' },
    });
  });

  it("calls a Trigger's InferenceService at its address and its protocol's path, named after it", () => {
    const [v1, v2] = ['iris-kserve', 'iris-kserve-v2'].map((name) => topology.triggersOf(PREDICTOR_ROUTER).find((t) => t.trigger.name === name));
    expect(targets.find(request('io.kserve.inference.request'), v1)).toEqual({
      url: new URL('http://iris-kserve.default.svc.cluster.local/v1/models/iris-kserve:predict'),
      name: { deployment: 'iris-kserve', namespace: 'default', kind: 'InferenceService' },
    });
    expect(targets.find(request('io.kserve.inference.request'), v2)?.url.href).toBe('http://iris-kserve-v2.default.svc.cluster.local/v2/models/iris-kserve-v2/infer');
  });

  it('without a Trigger, finds the deployment the event type names, and nothing for a type that names none', () => {
    expect(targets.find(request(), undefined)).toEqual({ url: new URL('http://127.0.0.1:9123/api/v1.0/predictions'), name: { deployment: 'iris-deployment', namespace: 'default' } });
    expect(targets.find(request('seldon.unknown.default.request'), undefined)).toBeUndefined();
    expect(targets.find(request('not.a.seldon.type'), undefined)).toBeUndefined();
  });
});
