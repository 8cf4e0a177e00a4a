import { isMapping } from '@seldon-eventing/cloudevents';
import { ManifestError } from './errors';
import { DEFAULT_NAMESPACE, describeObject, describeOrigin, originOf, typeName, type KubeObject } from './manifests';
import { apiGroup, isEventingKind, parseBroker, parseTrigger, type Broker, type DeliverySpec, type Trigger } from './model';

const key = (...parts: string[]): string => parts.join('\u0000');

/** The object's namespace; 'default' for a hand-built object without one, as loadManifests does. */
const namespaceOf = (obj: KubeObject): string => (typeof obj.metadata.namespace === 'string' && obj.metadata.namespace !== '' ? obj.metadata.namespace : DEFAULT_NAMESPACE);

function where(obj: KubeObject): string {
  const origin = originOf(obj);
  return origin ? describeOrigin(origin) : 'an object built in code';
}

/**
 * The eventing model of a set of manifests: every Trigger and Broker parsed, everything else
 * (Services, SeldonDeployments, KafkaSinks...) kept as plain objects for lookups. Two objects of
 * the same API group, kind, namespace and name are an error, since one would silently shadow the
 * other.
 */
export class EventingConfig {
  readonly objects: KubeObject[];
  readonly triggers: Trigger[];
  readonly brokers: Broker[];

  private readonly byName = new Map<string, KubeObject[]>();
  private readonly brokerByName = new Map<string, Broker>();
  private readonly triggersByBroker = new Map<string, Trigger[]>();

  private constructor(objects: KubeObject[], triggers: Trigger[], brokers: Broker[]) {
    this.objects = objects;
    this.triggers = triggers;
    this.brokers = brokers;
    for (const obj of objects) {
      const k = key(obj.kind, namespaceOf(obj), obj.metadata.name);
      const list = this.byName.get(k);
      if (list) list.push(obj);
      else this.byName.set(k, [obj]);
    }
    for (const broker of brokers) this.brokerByName.set(key(broker.namespace, broker.name), broker);
    for (const trigger of triggers) {
      const k = key(trigger.namespace, trigger.broker);
      const list = this.triggersByBroker.get(k);
      if (list) list.push(trigger);
      else this.triggersByBroker.set(k, [trigger]);
    }
    // Read on every event by the broker's ingress: handed out as is, so frozen.
    for (const list of this.triggersByBroker.values()) Object.freeze(list);
  }

  static fromManifests(objects: KubeObject[]): EventingConfig {
    if (!Array.isArray(objects)) throw new ManifestError(`EventingConfig.fromManifests needs a list of objects, got ${typeName(objects)}`);
    const seen = new Map<string, KubeObject>();
    const triggers: Trigger[] = [];
    const brokers: Broker[] = [];
    objects.forEach((obj, i) => {
      if (!isMapping(obj) || !isMapping(obj.metadata) || typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string' || typeof obj.metadata.name !== 'string' || obj.metadata.name === '') {
        throw new ManifestError(`object ${i + 1} is not a Kubernetes object with apiVersion, kind and metadata.name, got ${typeName(obj)}`);
      }
      const identity = key(apiGroup(obj.apiVersion), obj.kind, namespaceOf(obj), obj.metadata.name);
      const earlier = seen.get(identity);
      if (earlier) {
        throw new ManifestError(`${describeObject(obj)} is defined twice (${where(earlier)} and ${where(obj)})`);
      }
      seen.set(identity, obj);
      if (isEventingKind(obj, 'Trigger')) triggers.push(parseTrigger(obj));
      else if (isEventingKind(obj, 'Broker')) brokers.push(parseBroker(obj));
    });
    return new EventingConfig([...objects], triggers, brokers);
  }

  /**
   * The object of `kind` named `namespace/name`. Kinds are matched exactly; pass `apiVersion` to
   * tell apart kinds of different API groups (a core `v1` Service from a `serving.knative.dev`
   * one) - only the group is compared, as Kubernetes serves every version of a group.
   */
  find(kind: string, namespace: string, name: string, apiVersion?: string): KubeObject | undefined {
    const list = this.byName.get(key(kind, namespace, name));
    if (!list) return undefined;
    if (apiVersion === undefined) return list[0];
    const group = apiGroup(apiVersion);
    return list.find((obj) => apiGroup(obj.apiVersion) === group);
  }

  /** A Broker manifest exists, or some Trigger names the broker. */
  hasBroker(namespace: string, name: string): boolean {
    return this.brokerByName.has(key(namespace, name)) || this.triggersByBroker.has(key(namespace, name));
  }

  /** The Broker manifest `namespace/name`, if there is one. */
  broker(namespace: string, name: string): Broker | undefined {
    return this.brokerByName.get(key(namespace, name));
  }

  /** The Triggers of a broker, in manifest order (a frozen list; empty for an unknown broker). */
  triggersOf(namespace: string, broker: string): Trigger[] {
    return this.triggersByBroker.get(key(namespace, broker)) ?? NO_TRIGGERS;
  }

  /**
   * The Trigger's delivery spec, else its Broker's. The Trigger's replaces the Broker's as a whole
   * (Knative's trigger reconciler: `delivery := t.Spec.Delivery; if nil { b.Spec.Delivery }`); the
   * fields are not merged.
   */
  deliveryOf(trigger: Trigger): DeliverySpec | undefined {
    return trigger.delivery ?? this.brokerByName.get(key(trigger.namespace, trigger.broker))?.delivery;
  }
}

const NO_TRIGGERS: Trigger[] = Object.freeze([]) as unknown as Trigger[];
