import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandEnv } from './expand-env';
import { KAFKA_DISPATCHER, PREDICTOR_ROUTER, Topology, type TopologyOptions } from './topology';

const SEED = join(__dirname, '../../../config/manifests');
const options = (overrides: Partial<TopologyOptions> = {}): TopologyOptions => ({
  manifests: [SEED],
  localAddresses: join(__dirname, '../../../config/local-addresses.yaml'),
  clusterDomain: 'cluster.local',
  selfConsuming: ['response-publisher', 'event-display'],
  serviceNamespace: 'default',
  variables: { EVENT_DISPLAY_PORT: '9999' },
  ...overrides,
});

function quiet(): { warn(message: string): void; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => warnings.push(message) };
}

describe('Topology', () => {
  it('decides once who serves each seed Trigger: the router, or the self-consuming Service it names', () => {
    const topology = Topology.load(options(), quiet());
    const served = Object.fromEntries(topology.triggers.map((t) => [t.trigger.name, topology.servedBy(t)]));
    expect(served).toEqual({
      'seldon-eventing-sklearn-trigger': PREDICTOR_ROUTER,
      'event-display': 'event-display',
      'iris-v2-trigger': PREDICTOR_ROUTER,
      'iris-v2-display': 'event-display',
      'iris-tf-trigger': PREDICTOR_ROUTER,
      'iris-tf-display': 'event-display',
      'seldon-response-publisher': 'response-publisher',
    });
    const [predictor] = topology.triggersOf(PREDICTOR_ROUTER);
    expect(predictor.subscriber?.href).toBe('http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions');
    expect(topology.triggersOf('event-display')[0].localSubscriber?.href).toBe('http://127.0.0.1:9999/');
  });

  it('leaves a Service that is not self-consuming to the kafka-dispatcher', () => {
    const topology = Topology.load(options({ selfConsuming: ['response-publisher'] }), quiet());
    expect(topology.triggersOf(KAFKA_DISPATCHER).map((t) => t.key)).toEqual(['default/event-display', 'default/iris-v2-display', 'default/iris-tf-display']);
  });

  it("calls each SeldonDeployment's predictor at its protocol's path, and knows each deployment's protocol", () => {
    const topology = Topology.load(options(), quiet());
    const subscribers = Object.fromEntries(topology.triggersOf(PREDICTOR_ROUTER).map((t) => [t.trigger.name, t.localSubscriber?.href]));
    expect(subscribers).toEqual({
      'seldon-eventing-sklearn-trigger': 'http://127.0.0.1:9000/api/v1.0/predictions',
      'iris-v2-trigger': 'http://127.0.0.1:9000/v2/models/classifier/infer',
      'iris-tf-trigger': 'http://127.0.0.1:9000/v1/models/classifier:predict',
    });
    expect(topology.deployment({ namespace: 'default', deployment: 'iris-v2' })).toMatchObject({ protocol: 'v2', predictors: [{ graphName: 'classifier' }] });
    expect(topology.deployment({ namespace: 'default', deployment: 'iris-tf' })?.protocol).toBe('tensorflow');
    expect(topology.deployment({ namespace: 'other', deployment: 'iris-v2' })).toBeUndefined();
  });

  it('stops the start on a SeldonDeployment of an unknown protocol, naming the file, the document and the values accepted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topology-'));
    const file = join(dir, 'grpc.yaml');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Service
metadata: { name: first }
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: { name: iris-grpc, namespace: default }
spec:
  protocol: grpc
  predictors: [{ name: default, graph: { name: classifier } }]
`,
    );
    expect(() => Topology.load(options({ manifests: [SEED, dir] }), quiet())).toThrow(
      `${file} document 2 (SeldonDeployment default/iris-grpc): spec.protocol must be one of seldon, tensorflow, v2 (or kfserving), got the string "grpc"`,
    );
  });

  it("knows which deployments opt into micro-batching by their annotations, and stops the start on a bad value", () => {
    const dir = mkdtempSync(join(tmpdir(), 'topology-'));
    const file = join(dir, 'batched.yaml');
    const write = (size: string) =>
      writeFileSync(
        file,
        `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: iris-batched
  namespace: default
  annotations: { seldon-eventing.io/batch-max-size: "${size}", seldon-eventing.io/batch-max-wait-ms: "4" }
spec:
  predictors: [{ name: default, graph: { name: classifier } }]
`,
      );
    write('16');
    const topology = Topology.load(options({ manifests: [SEED, dir] }), quiet());
    expect(topology.batchPolicy({ namespace: 'default', deployment: 'iris-batched' })).toEqual({ maxSize: 16, maxWaitMs: 4 });
    expect(topology.batchPolicy({ namespace: 'default', deployment: 'iris-deployment' })).toBeUndefined();
    write('-3');
    expect(() => Topology.load(options({ manifests: [SEED, dir] }), quiet())).toThrow(
      `${file} document 1 (SeldonDeployment default/iris-batched): annotation seldon-eventing.io/batch-max-size must be an integer of 1 or more (requests per predictor call), got the string "-3"`,
    );
  });

  it('keeps serving the other Triggers when one names an unknown SeldonDeployment, and says why it is not ready', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topology-'));
    writeFileSync(
      join(dir, 'typo.yaml'),
      `apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: typo, namespace: default }
spec:
  broker: default
  subscriber: { ref: { apiVersion: machinelearning.seldon.io/v1, kind: SeldonDeployment, name: iris-deploymnet } }
`,
    );
    const log = quiet();
    const topology = Topology.load(options({ manifests: [SEED, dir] }), log);
    const typo = topology.triggers.find((t) => t.key === 'default/typo');
    expect(typo?.status).toEqual({ ready: false, reason: expect.stringContaining('iris-deploymnet') });
    expect(topology.servedBy(typo!)).toBeUndefined();
    expect(topology.triggersOf(PREDICTOR_ROUTER).map((t) => t.key)).toEqual(['default/seldon-eventing-sklearn-trigger', 'default/iris-v2-trigger', 'default/iris-tf-trigger']);
    expect(log.warnings).toEqual([expect.stringMatching(/^trigger default\/typo is not ready and is not served: .*iris-deploymnet/)]);
    expect(topology.describe().find((t) => t.name === 'typo')).toEqual({
      namespace: 'default',
      name: 'typo',
      broker: 'default',
      ready: false,
      reason: expect.stringContaining('iris-deploymnet'),
      filter: {},
      subscriber: null,
      servedBy: null,
    });
  });

  it('describes each Trigger as kubectl would sum it up: filter, resolved subscriber, delivery, who serves it', () => {
    const [predictor] = Topology.load(options(), quiet()).describe();
    expect(predictor).toEqual({
      namespace: 'default',
      name: 'seldon-eventing-sklearn-trigger',
      broker: 'default',
      ready: true,
      filter: { attributes: { type: 'seldon.iris-deployment.default.request' } },
      subscriber: 'http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions',
      servedBy: PREDICTOR_ROUTER,
    });
  });
});

describe('expandEnv', () => {
  it('expands ${VAR} and ${VAR:-default} like a shell, and names a missing variable', () => {
    expect(expandEnv('http://127.0.0.1:${EVENT_DISPLAY_PORT:-8084} ${MODEL_SERVER_PORT:-9000}', { EVENT_DISPLAY_PORT: '9999' })).toBe('http://127.0.0.1:9999 9000');
    expect(() => expandEnv('${NOPE}', {})).toThrow('${NOPE} is used in configuration but not set');
  });
});
