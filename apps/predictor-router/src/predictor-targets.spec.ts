import { join } from 'node:path';
import { createEvent } from '@seldon-eventing/cloudevents';
import { PREDICTOR_ROUTER, Topology } from '@seldon-eventing/topology';
import { PredictorTargets } from './predictor-targets';

const topology = Topology.load(
  {
    manifests: [join(__dirname, '../../../config/manifests')],
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

  it('without a Trigger, finds the deployment the event type names, and nothing for a type that names none', () => {
    expect(targets.find(request(), undefined)).toEqual({ url: new URL('http://127.0.0.1:9123/api/v1.0/predictions'), name: { deployment: 'iris-deployment', namespace: 'default' } });
    expect(targets.find(request('seldon.unknown.default.request'), undefined)).toBeUndefined();
    expect(targets.find(request('not.a.seldon.type'), undefined)).toBeUndefined();
  });
});
