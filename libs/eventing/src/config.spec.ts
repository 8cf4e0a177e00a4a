import { EventingConfig, ManifestError, loadManifests, type KubeObject } from './index';

const yaml = `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: default }
spec:
  delivery: { retry: 10, backoffPolicy: exponential, backoffDelay: PT0.2S, deadLetterSink: { uri: "http://dls.example/" } }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: inherits }
spec:
  subscriber: { uri: "http://a.example/" }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: overrides }
spec:
  subscriber: { uri: "http://b.example/" }
  delivery: { retry: 2 }
---
apiVersion: eventing.knative.dev/v1beta1
kind: Trigger
metadata: { name: elsewhere, namespace: team }
spec:
  broker: orphan
  subscriber: { uri: "http://c.example/" }
---
apiVersion: v1
kind: Service
metadata: { name: display }
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: { name: display }
status: { address: { url: "http://display.default.svc.cluster.local" } }
`;

describe('EventingConfig', () => {
  const config = EventingConfig.fromManifests(loadManifests(yaml, 'all.yaml'));

  it('parses Triggers and Brokers and keeps every object', () => {
    expect(config.triggers.map((t) => `${t.namespace}/${t.name}`)).toEqual(['default/inherits', 'default/overrides', 'team/elsewhere']);
    expect(config.brokers.map((b) => `${b.namespace}/${b.name}`)).toEqual(['default/default']);
    expect(config.objects).toHaveLength(6);
  });

  it('finds objects by kind, namespace and name, optionally by API group', () => {
    expect(config.find('Service', 'default', 'display')?.apiVersion).toBe('v1');
    expect(config.find('Service', 'default', 'display', 'serving.knative.dev/v1beta1')?.apiVersion).toBe('serving.knative.dev/v1');
    expect(config.find('Service', 'default', 'display', 'v1')?.apiVersion).toBe('v1');
    expect(config.find('Service', 'other', 'display')).toBeUndefined();
    expect(config.find('Trigger', 'default', 'inherits')?.kind).toBe('Trigger');
  });

  it('knows brokers from Broker manifests and from the Triggers naming them', () => {
    expect(config.hasBroker('default', 'default')).toBe(true);
    expect(config.hasBroker('team', 'orphan')).toBe(true);
    expect(config.hasBroker('default', 'orphan')).toBe(false);
    expect(config.hasBroker('team', 'default')).toBe(false);
  });

  it('lists the Triggers of a broker', () => {
    expect(config.triggersOf('default', 'default').map((t) => t.name)).toEqual(['inherits', 'overrides']);
    expect(config.triggersOf('team', 'orphan').map((t) => t.name)).toEqual(['elsewhere']);
    expect(config.triggersOf('nowhere', 'none')).toEqual([]);
  });

  it("uses a Trigger's delivery as a whole, else its Broker's", () => {
    const [inherits, overrides, elsewhere] = config.triggers;
    expect(config.deliveryOf(inherits)).toEqual({ retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S', deadLetterSink: { uri: 'http://dls.example/' } });
    // Not merged: the Broker's dead-letter sink and backoff do not leak into the Trigger's spec.
    expect(config.deliveryOf(overrides)).toEqual({ retry: 2 });
    expect(config.deliveryOf(elsewhere)).toBeUndefined();
  });

  it('reports the file and document of a bad Trigger', () => {
    const bad = 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\n---\napiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: { name: foo }\nspec: { broker: default }\n';
    expect(() => EventingConfig.fromManifests(loadManifests(bad, 'config/x.yaml'))).toThrow(
      new ManifestError('config/x.yaml document 2 (Trigger default/foo): spec.subscriber needs ref or uri'),
    );
  });

  it('refuses the same object twice, naming both places', () => {
    const a = loadManifests('apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: { name: t }\nspec: { subscriber: { uri: "http://x/" } }\n', 'a.yaml');
    const b = loadManifests('apiVersion: v1\nkind: Service\nmetadata: { name: z }\n---\napiVersion: eventing.knative.dev/v1beta1\nkind: Trigger\nmetadata: { name: t }\nspec: { subscriber: { uri: "http://y/" } }\n', 'b.yaml');
    expect(() => EventingConfig.fromManifests([...a, ...b])).toThrow(new ManifestError('Trigger default/t is defined twice (a.yaml document 1 and b.yaml document 2)'));
  });

  it('accepts objects built in code, defaulting their namespace', () => {
    const built = EventingConfig.fromManifests([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } } as unknown as KubeObject,
      {
        apiVersion: 'eventing.knative.dev/v1',
        kind: 'Trigger',
        metadata: { name: 't', namespace: 'default', annotations: {}, labels: {} },
        spec: { subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 's' } } },
      },
    ]);
    expect(built.find('Service', 'default', 's')).toBeDefined();
    expect(built.triggersOf('default', 'default').map((t) => t.name)).toEqual(['t']);
    expect(() => EventingConfig.fromManifests([{ kind: 'Service' } as unknown as KubeObject])).toThrow(
      'object 1 is not a Kubernetes object with apiVersion, kind and metadata.name, got a mapping',
    );
  });

  it('keeps Triggers of other API groups as plain objects', () => {
    const other = EventingConfig.fromManifests(loadManifests('apiVersion: example.com/v1\nkind: Trigger\nmetadata: { name: t }\nspec: 42\n'));
    expect(other.triggers).toEqual([]);
    expect(other.find('Trigger', 'default', 't')?.spec).toBe(42);
  });
});
