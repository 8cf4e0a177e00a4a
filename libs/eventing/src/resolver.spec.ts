import { EventingConfig, ResolutionError, SubscriberResolver, loadManifests, type AddressableResolver, type KubeObject } from './index';

const manifests = `
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: { name: iris-deployment }
spec: { predictors: [{ name: default }] }
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: { name: deployed, namespace: models }
status: { address: { url: "http://deployed-default.models.svc.cluster.local:8000/api/v1.0/predictions" } }
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: { name: ksvc }
status: { address: { url: "http://ksvc.default.svc.cluster.local" } }
---
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: dlq }
status: { addresses: [{ name: http, url: "http://broker-ingress.knative-eventing.svc.cluster.local/default/dlq" }] }
---
apiVersion: example.com/v1
kind: Sink
metadata: { name: bare }
`;

const seldon: AddressableResolver = (obj: KubeObject) =>
  `http://${obj.metadata.name}-${obj.spec?.predictors?.[0]?.name}.${obj.metadata.namespace}.svc.cluster.local:8000/api/v1.0/predictions`;

describe('SubscriberResolver', () => {
  const config = EventingConfig.fromManifests(loadManifests(manifests));
  const resolver = new SubscriberResolver(config, { addressables: { SeldonDeployment: seldon } });
  const href = (dest: Parameters<SubscriberResolver['resolve']>[0], ns = 'default'): string => resolver.resolve(dest, ns).href;

  it('resolves a core v1 Service to its cluster DNS name, without requiring its manifest', () => {
    expect(href({ ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } })).toBe('http://event-display.default.svc.cluster.local/');
    expect(href({ ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display', namespace: 'other' } })).toBe('http://event-display.other.svc.cluster.local/');
  });

  it('defaults the ref namespace to the one given', () => {
    expect(href({ ref: { apiVersion: 'v1', kind: 'Service', name: 'svc' } }, 'team')).toBe('http://svc.team.svc.cluster.local/');
  });

  it('uses the configured cluster domain', () => {
    const custom = new SubscriberResolver(config, { clusterDomain: 'example.internal' });
    expect(custom.resolve({ ref: { apiVersion: 'v1', kind: 'Service', name: 's' } }, 'ns').href).toBe('http://s.ns.svc.example.internal/');
    expect(() => new SubscriberResolver(config, { clusterDomain: 'http://x' })).toThrow(ResolutionError);
  });

  it("uses any other object's status.address.url, else status.addresses", () => {
    expect(href({ ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'ksvc' } })).toBe('http://ksvc.default.svc.cluster.local/');
    expect(href({ ref: { apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment', name: 'deployed', namespace: 'models' } })).toBe(
      'http://deployed-default.models.svc.cluster.local:8000/api/v1.0/predictions',
    );
    expect(href({ ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'dlq' } })).toBe('http://broker-ingress.knative-eventing.svc.cluster.local/default/dlq');
  });

  it('asks the AddressableResolver of the kind when the status has no address', () => {
    expect(href({ ref: { apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment', name: 'iris-deployment' } })).toBe(
      'http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions',
    );
  });

  it('resolves a relative uri against the ref, as Go’s ResolveReference does', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', name: 'a' };
    expect(href({ ref: svc, uri: '/foo' }, 'b')).toBe('http://a.b.svc.cluster.local/foo');
    expect(href({ ref: svc, uri: 'foo' }, 'b')).toBe('http://a.b.svc.cluster.local/foo');
    expect(href({ ref: svc, uri: '/foo?x=1' }, 'b')).toBe('http://a.b.svc.cluster.local/foo?x=1');
    const deployed = { apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment', name: 'deployed', namespace: 'models' };
    expect(href({ ref: deployed, uri: 'feedback' })).toBe('http://deployed-default.models.svc.cluster.local:8000/api/v1.0/feedback');
    expect(href({ ref: deployed, uri: '/other' })).toBe('http://deployed-default.models.svc.cluster.local:8000/other');
  });

  it('takes an absolute uri alone as it is', () => {
    expect(href({ uri: 'http://istio-ingressgateway/seldon/default/iris/api/v1.0/predictions' })).toBe('http://istio-ingressgateway/seldon/default/iris/api/v1.0/predictions');
  });

  it.each<[string, Parameters<SubscriberResolver['resolve']>[0], string]>([
    ['an unknown ref', { ref: { apiVersion: 'example.com/v1', kind: 'Sink', name: 'missing' } }, 'Sink default/missing (example.com/v1) is not defined in the manifests'],
    ['a ref in another namespace', { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'ksvc', namespace: 'x' } }, 'Service x/ksvc (serving.knative.dev/v1) is not defined in the manifests'],
    ['a ref of another API group', { ref: { apiVersion: 'example.com/v1', kind: 'Service', name: 'ksvc' } }, 'Service default/ksvc (example.com/v1) is not defined in the manifests'],
    [
      'an object without address nor resolver',
      { ref: { apiVersion: 'example.com/v1', kind: 'Sink', name: 'bare' } },
      'Sink default/bare (example.com/v1) has no status.address.url, and no resolver is registered for kind Sink',
    ],
    ['a relative uri alone', { uri: '/relative' }, 'destination uri "/relative" must be an absolute URL with a scheme and a host when there is no ref'],
    ['a uri without host', { uri: 'mailto:someone' }, 'destination uri "mailto:someone" must be an absolute URL with a scheme and a host when there is no ref'],
    [
      'an absolute uri with a ref',
      { ref: { apiVersion: 'v1', kind: 'Service', name: 's' }, uri: 'http://x/' },
      'destination uri "http://x/" must be relative when ref is set (Service default/s (v1))',
    ],
    ['nothing', {}, 'a destination needs ref or uri'],
    ['a ref without name', { ref: { apiVersion: 'v1', kind: 'Service' } as never }, 'ref.name is required (ref Service default/undefined (v1))'],
  ])('refuses %s with a ResolutionError', (_name, destination, message) => {
    expect(() => resolver.resolve(destination, 'default')).toThrow(new ResolutionError(message));
  });

  it('reports a resolver that finds no address, and one that returns garbage', () => {
    const none = new SubscriberResolver(config, { addressables: { SeldonDeployment: () => undefined } });
    const ref = { apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment', name: 'iris-deployment' };
    expect(() => none.resolve({ ref }, 'default')).toThrow('SeldonDeployment default/iris-deployment (machinelearning.seldon.io/v1) has no status.address.url, and the SeldonDeployment resolver found no address');
    const bad = new SubscriberResolver(config, { addressables: { SeldonDeployment: () => 'not a url' } });
    expect(() => bad.resolve({ ref }, 'default')).toThrow(
      new ResolutionError('SeldonDeployment default/iris-deployment (machinelearning.seldon.io/v1): the SeldonDeployment resolver gave "not a url", which is not an absolute URL with a host'),
    );
  });

  it('returns a new URL each time', () => {
    const dest = { uri: 'http://x.example/a' };
    const first = resolver.resolve(dest, 'default');
    first.pathname = '/changed';
    expect(resolver.resolve(dest, 'default').href).toBe('http://x.example/a');
  });
});
