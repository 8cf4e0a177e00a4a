import type { Trigger } from '@seldon-eventing/eventing';
import { dispatchedTriggers } from './dispatched-triggers';

const trigger = (subscriber: Trigger['subscriber']): Trigger => ({ name: 't', namespace: 'default', broker: 'default', annotations: {}, subscriber });
const svc = (name: string) => new URL(`http://${name}.default.svc.cluster.local/`);

describe('dispatchedTriggers', () => {
  const select = dispatchedTriggers({});

  it("takes Triggers to ordinary HTTP subscribers: a user's Service or any URI", () => {
    expect(select(trigger({ ref: { apiVersion: 'v1', kind: 'Service', name: 'my-app' } }), svc('my-app'))).toBe(true);
    expect(select(trigger({ uri: 'http://sink.example.com/events' }), new URL('http://sink.example.com/events'))).toBe(true);
  });

  it('leaves predictor Triggers to the predictor-router, by reference or by inference path', () => {
    expect(select(trigger({ ref: { apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment', name: 'iris' } }), new URL('http://iris-default.default.svc.cluster.local:8000/api/v1.0/predictions'))).toBe(false);
    expect(select(trigger({ uri: 'http://istio-ingressgateway/seldon/default/iris/api/v1.0/predictions' }), new URL('http://istio-ingressgateway/seldon/default/iris/api/v1.0/predictions'))).toBe(false);
  });

  it('leaves the self-consuming services their own Triggers, and takes a setting that names others', () => {
    expect(select(trigger({ ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } }), svc('event-display'))).toBe(false);
    expect(select(trigger({ ref: { apiVersion: 'v1', kind: 'Service', name: 'response-publisher' } }), svc('response-publisher'))).toBe(false);
    const custom = dispatchedTriggers({ KAFKA_SELF_CONSUMING_SERVICES: 'response-publisher' });
    expect(custom(trigger({ ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } }), svc('event-display'))).toBe(true);
  });
});
