import { createEvent } from '@seldon-eventing/cloudevents';
import { AddressMap, EventingConfig, SubscriberResolver, compileFilter, loadManifests, retryPolicy, type KubeObject } from './index';

// The product's seed configuration, exactly as a user writes it (from Seldon's Knative eventing page).
const SEED = `
apiVersion: eventing.knative.dev/v1beta1
kind: Trigger
metadata: { name: seldon-eventing-sklearn-trigger }
spec:
  broker: default
  filter: { attributes: { type: seldon.iris-deployment.default.request } }
  subscriber: { ref: { apiVersion: machinelearning.seldon.io/v1, kind: SeldonDeployment, name: iris-deployment } }
---
apiVersion: eventing.knative.dev/v1alpha1
kind: Trigger
metadata: { name: event-display }
spec:
  broker: default
  filter: { attributes: { type: seldon.iris-deployment.default.response, source: seldon.iris-deployment } }
  subscriber: { ref: { apiVersion: v1, kind: Service, name: event-display } }
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: { name: iris-deployment }
spec: { protocol: seldon, predictors: [{ name: default, graph: { name: classifier, implementation: SKLEARN_SERVER } }] }
`;

// Stands in for the Seldon library, which plugs in through the generic hook.
const seldonDeployment = (obj: KubeObject): string =>
  `http://${obj.metadata.name}-${obj.spec.predictors[0].name}.${obj.metadata.namespace}.svc.cluster.local:8000/api/v1.0/predictions`;

describe('the seed manifests', () => {
  const config = EventingConfig.fromManifests(loadManifests(SEED, 'config/manifests/seed.yaml'));
  const resolver = new SubscriberResolver(config, { addressables: { SeldonDeployment: seldonDeployment } });
  const [sklearn, display] = config.triggers;

  it('load as two Triggers of the default broker', () => {
    expect(config.triggers.map((t) => t.name)).toEqual(['seldon-eventing-sklearn-trigger', 'event-display']);
    expect(config.hasBroker('default', 'default')).toBe(true);
    expect(config.triggersOf('default', 'default')).toEqual(config.triggers);
    expect(config.deliveryOf(sklearn)).toBeUndefined();
    expect(retryPolicy(config.deliveryOf(sklearn)).attempts).toBe(1);
  });

  it('resolve to the predictor and to event-display', () => {
    expect(resolver.resolve(sklearn.subscriber, sklearn.namespace).href).toBe('http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions');
    expect(resolver.resolve(display.subscriber, display.namespace).href).toBe('http://event-display.default.svc.cluster.local/');
  });

  it('route the curl request to the model and its response to event-display', () => {
    const request = createEvent({
      specversion: '0.3',
      id: '536808d3-88be-4077-9d7a-a3f162705f79',
      source: 'seldon.examples.streaming.curl',
      type: 'seldon.iris-deployment.default.request',
      data: { data: { ndarray: [[1, 2, 3, 4]] } },
    });
    const response = createEvent({ specversion: '0.3', source: 'seldon.iris-deployment', type: 'seldon.iris-deployment.default.response', extensions: { path: '/api/v1.0/predictions' } });
    const [toModel, toDisplay] = [compileFilter(sklearn), compileFilter(display)];
    expect([toModel(request), toDisplay(request)]).toEqual([true, false]);
    expect([toModel(response), toDisplay(response)]).toEqual([false, true]);
    expect(toDisplay({ ...response, source: 'someone-else' })).toBe(false);
  });

  it('map to local addresses outside a cluster', () => {
    const local = AddressMap.fromYaml(
      'event-display.default.svc.cluster.local: http://127.0.0.1:8084\niris-deployment-default.default.svc.cluster.local:8000: http://127.0.0.1:9000\n',
    );
    expect(local.toLocal(resolver.resolve(sklearn.subscriber, 'default')).href).toBe('http://127.0.0.1:9000/api/v1.0/predictions');
    expect(local.toLocal(resolver.resolve(display.subscriber, 'default')).href).toBe('http://127.0.0.1:8084/');
  });
});
