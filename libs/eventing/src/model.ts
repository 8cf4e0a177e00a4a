import { isAbsoluteUri, isMapping } from '@seldon-eventing/cloudevents';
import { parseIsoDuration } from './duration';
import { ManifestError } from './errors';
import { normalizeAttributes, normalizeFilterList, type Fail } from './filter-spec';
import { describeOrigin, describeValue, locate, originOf, typeName, type KubeObject, type ManifestOrigin } from './manifests';

export interface Reference {
  apiVersion: string;
  kind: string;
  name: string;
  /** Defaults to the namespace of the object holding the reference. */
  namespace?: string;
}

/** Knative's duck Destination: a ref, an absolute uri, or a ref and a uri relative to it. */
export interface Destination {
  ref?: Reference;
  uri?: string;
}

export interface DeliverySpec {
  /** Retries after the first attempt. */
  retry?: number;
  backoffPolicy?: 'linear' | 'exponential';
  /** ISO-8601 duration. */
  backoffDelay?: string;
  /** ISO-8601 duration, per attempt. */
  timeout?: string;
  deadLetterSink?: Destination;
}

export type SubscriptionsApiFilter = {
  exact?: Record<string, string>;
  prefix?: Record<string, string>;
  suffix?: Record<string, string>;
  all?: SubscriptionsApiFilter[];
  any?: SubscriptionsApiFilter[];
  not?: SubscriptionsApiFilter;
  cesql?: string;
};

export interface Trigger {
  name: string;
  namespace: string;
  broker: string;
  annotations: Record<string, string>;
  filter?: { attributes?: Record<string, string> };
  /** SubscriptionsAPI filters (Knative >= 1.15); when non-empty they replace `filter`. */
  filters?: SubscriptionsApiFilter[];
  subscriber: Destination;
  delivery?: DeliverySpec;
}

export interface Broker {
  name: string;
  namespace: string;
  annotations: Record<string, string>;
  delivery?: DeliverySpec;
}

export const EVENTING_GROUP = 'eventing.knative.dev';
/** The eventing.knative.dev versions accepted for Triggers and Brokers; they share one shape. */
export const EVENTING_VERSIONS: readonly string[] = ['v1alpha1', 'v1beta1', 'v1'];
export const DEFAULT_BROKER = 'default';

/** The API group of an apiVersion: `eventing.knative.dev/v1` -> `eventing.knative.dev`, `v1` -> ''. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function apiVersionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
}

/** Whether `obj` is an eventing.knative.dev object of `kind`, whatever its version. */
export function isEventingKind(obj: Pick<KubeObject, 'apiVersion' | 'kind'>, kind: 'Trigger' | 'Broker'): boolean {
  return obj.kind === kind && typeof obj.apiVersion === 'string' && apiGroup(obj.apiVersion) === EVENTING_GROUP;
}

// Triggers made by parseTrigger remember where their manifest came from, for compileFilter's messages.
const triggerOrigins = new WeakMap<object, ManifestOrigin>();

/** Where a Trigger made by parseTrigger was loaded from. */
export function triggerOriginOf(trigger: Trigger): ManifestOrigin | undefined {
  return typeof trigger === 'object' && trigger !== null ? triggerOrigins.get(trigger) : undefined;
}

function manifestFail(obj: KubeObject): Fail {
  const where = locate(obj);
  return (field: string, problem: string): never => {
    throw new ManifestError(`${where}: ${field} ${problem}`);
  };
}

function checkKind(obj: KubeObject, kind: 'Trigger' | 'Broker'): void {
  if (!isMapping(obj) || !isMapping(obj.metadata)) {
    throw new ManifestError(`a ${kind} must be a Kubernetes object with metadata, got ${typeName(obj)}`);
  }
  const fail: Fail = manifestFail(obj);
  if (obj.kind !== kind) fail('kind', `must be ${kind}, got ${typeName(obj.kind)}`);
  if (typeof obj.apiVersion !== 'string' || apiGroup(obj.apiVersion) !== EVENTING_GROUP) {
    fail('apiVersion', `must be ${EVENTING_GROUP}/<version> for a ${kind}, got ${typeName(obj.apiVersion)}`);
  }
  if (!EVENTING_VERSIONS.includes(apiVersionOf(obj.apiVersion))) {
    fail('apiVersion', `${obj.apiVersion} is not supported (supported: ${EVENTING_VERSIONS.map((v) => `${EVENTING_GROUP}/${v}`).join(', ')})`);
  }
  if (typeof obj.metadata.name !== 'string' || obj.metadata.name === '') fail('metadata.name', 'is required');
}

function namespaceOf(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}

function annotationsOf(obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  const annotations: unknown = obj.metadata.annotations;
  if (isMapping(annotations)) {
    for (const key of Object.keys(annotations)) {
      if (typeof annotations[key] === 'string') out[key] = annotations[key] as string;
    }
  }
  return out;
}

const present = (value: unknown): boolean => value !== undefined && value !== null;

function rejectUnknown(raw: Record<string, unknown>, field: string, known: readonly string[], fail: Fail, ignored: readonly string[] = []): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key) && !ignored.includes(key) && present(raw[key])) {
      fail(`${field}.${key}`, `is not supported (supported fields: ${known.join(', ')})`);
    }
  }
}

function nonEmpty(value: unknown, field: string, fail: Fail): string {
  if (!present(value)) fail(field, 'is required');
  if (typeof value !== 'string') fail(field, `must be a string, got ${typeName(value)}`);
  if (value.trim() === '') fail(field, 'must not be empty');
  return value;
}

const REFERENCE_FIELDS = ['apiVersion', 'kind', 'name', 'namespace'] as const;
// v1 Destinations may carry these; they only matter for TLS and OIDC, which this library leaves alone.
const IGNORED_DESTINATION_FIELDS = ['CACerts', 'audience'] as const;

function parseReference(raw: unknown, field: string, namespace: string, fail: Fail): Reference {
  if (!isMapping(raw)) fail(field, `must be a mapping with apiVersion, kind and name, got ${typeName(raw)}`);
  rejectUnknown(raw, field, REFERENCE_FIELDS, fail);
  const ref: Reference = {
    apiVersion: nonEmpty(raw.apiVersion, `${field}.apiVersion`, fail),
    kind: nonEmpty(raw.kind, `${field}.kind`, fail),
    name: nonEmpty(raw.name, `${field}.name`, fail),
    // Knative's Destination.SetDefaults: a ref without namespace points into the parent's namespace.
    namespace: present(raw.namespace) ? nonEmpty(raw.namespace, `${field}.namespace`, fail) : namespace,
  };
  return ref;
}

/**
 * A Destination as Knative validates it (knative.dev/pkg duck/v1 Destination): a ref, a uri, or
 * both with a relative uri; a uri alone must be absolute with a host. v1alpha1/v1beta1 also
 * allowed the ref's fields at the top level (the deprecated form), which `deprecatedForm` accepts.
 */
export function parseDestination(raw: unknown, field: string, namespace: string, fail: Fail, deprecatedForm = false): Destination {
  if (!isMapping(raw)) fail(field, `needs ref or uri, got ${typeName(raw)}`);
  const deprecatedKeys = deprecatedForm ? REFERENCE_FIELDS.filter((k) => present(raw[k])) : [];
  rejectUnknown(raw, field, deprecatedForm ? ['ref', 'uri', ...REFERENCE_FIELDS] : ['ref', 'uri'], fail, IGNORED_DESTINATION_FIELDS);
  const out: Destination = {};
  if (present(raw.ref)) {
    if (deprecatedKeys.length > 0) fail(field, `has both ref and [${deprecatedKeys.join(', ')}]: use ref only`);
    out.ref = parseReference(raw.ref, `${field}.ref`, namespace, fail);
  } else if (deprecatedKeys.length > 0) {
    const ref = Object.fromEntries(deprecatedKeys.map((k) => [k, raw[k]]));
    out.ref = parseReference(ref, field, namespace, fail);
  }
  if (present(raw.uri)) {
    const uri = nonEmpty(raw.uri, `${field}.uri`, fail);
    if (out.ref) {
      if (isAbsoluteUri(uri)) fail(`${field}.uri`, `must be relative when ref is set (it is resolved against the ref's address), got ${JSON.stringify(uri)}`);
      try {
        new URL(uri, 'http://base.invalid/');
      } catch {
        fail(`${field}.uri`, `is not a valid relative URI: ${JSON.stringify(uri)}`);
      }
    } else {
      let url: URL | undefined;
      try {
        url = isAbsoluteUri(uri) ? new URL(uri) : undefined;
      } catch {
        url = undefined;
      }
      if (!url || url.host === '') {
        fail(`${field}.uri`, `must be an absolute URL with a scheme and a host when there is no ref, got ${JSON.stringify(uri)}`);
      }
    }
    out.uri = uri;
  }
  if (!out.ref && out.uri === undefined) fail(field, 'needs ref or uri');
  return out;
}

const DELIVERY_FIELDS = ['retry', 'backoffPolicy', 'backoffDelay', 'timeout', 'deadLetterSink'] as const;
/** Real Knative fields that do not change where or whether an event is delivered: accepted, not acted on. */
const IGNORED_DELIVERY_FIELDS = ['retryAfterMax', 'format', 'deadLetterSinkCACerts', 'deadLetterSinkAudience'] as const;
const INT32_MAX = 2_147_483_647;

function duration(raw: unknown, field: string, fail: Fail, positive: boolean): string {
  const text = nonEmpty(raw, field, fail);
  let ms: number;
  try {
    ms = parseIsoDuration(text);
  } catch (err) {
    fail(field, `is not a valid ISO-8601 duration: ${(err as Error).message}`);
  }
  if (positive && ms === 0) fail(field, 'must be greater than zero');
  return text;
}

/** A DeliverySpec as Knative validates it (duck/v1 delivery_types.go). */
export function parseDelivery(raw: unknown, field: string, namespace: string, fail: Fail): DeliverySpec {
  if (!isMapping(raw)) fail(field, `must be a mapping, got ${typeName(raw)}`);
  rejectUnknown(raw, field, DELIVERY_FIELDS, fail, IGNORED_DELIVERY_FIELDS);
  const out: DeliverySpec = {};
  if (present(raw.retry)) {
    const retry = raw.retry;
    if (typeof retry !== 'number' || !Number.isInteger(retry) || retry < 0 || retry > INT32_MAX) {
      fail(`${field}.retry`, `must be an integer from 0 to ${INT32_MAX}, got ${typeName(retry)}`);
    }
    out.retry = retry;
  }
  if (present(raw.backoffPolicy)) {
    const policy = raw.backoffPolicy;
    if (policy !== 'linear' && policy !== 'exponential') fail(`${field}.backoffPolicy`, `must be linear or exponential, got ${typeName(policy)}`);
    out.backoffPolicy = policy;
  }
  if (present(raw.backoffDelay)) out.backoffDelay = duration(raw.backoffDelay, `${field}.backoffDelay`, fail, false);
  if (present(raw.timeout)) out.timeout = duration(raw.timeout, `${field}.timeout`, fail, true);
  if (present(raw.deadLetterSink)) out.deadLetterSink = parseDestination(raw.deadLetterSink, `${field}.deadLetterSink`, namespace, fail);
  return out;
}

const TRIGGER_SPEC_FIELDS = ['broker', 'filter', 'filters', 'subscriber', 'delivery'] as const;

/**
 * A Trigger of eventing.knative.dev v1alpha1, v1beta1 or v1, validated the way Knative's webhook
 * does (and a little stricter: unknown fields are errors, not silently ignored). The broker
 * defaults to 'default'; refs without a namespace get the Trigger's. CESQL filters are accepted
 * here; compileFilter refuses them.
 */
export function parseTrigger(obj: KubeObject): Trigger {
  checkKind(obj, 'Trigger');
  const fail: Fail = manifestFail(obj);
  const namespace = namespaceOf(obj);
  const spec: unknown = obj.spec;
  if (!present(spec)) fail('spec', 'is required (a Trigger needs at least spec.subscriber)');
  if (!isMapping(spec)) fail('spec', `must be a mapping, got ${typeName(spec)}`);
  rejectUnknown(spec, 'spec', TRIGGER_SPEC_FIELDS, fail);

  let broker = DEFAULT_BROKER;
  if (present(spec.broker)) broker = nonEmpty(spec.broker, 'spec.broker', fail);

  const trigger: Trigger = {
    name: obj.metadata.name,
    namespace,
    broker,
    annotations: annotationsOf(obj),
    subscriber: { uri: '' },
  };
  if (present(spec.filter)) {
    if (!isMapping(spec.filter)) fail('spec.filter', `must be a mapping, got ${typeName(spec.filter)}`);
    rejectUnknown(spec.filter, 'spec.filter', ['attributes'], fail);
    trigger.filter = {};
    if (present(spec.filter.attributes)) trigger.filter.attributes = normalizeAttributes(spec.filter.attributes, 'spec.filter.attributes', fail);
  }
  if (present(spec.filters)) trigger.filters = normalizeFilterList(spec.filters, 'spec.filters', fail);
  if (!present(spec.subscriber)) fail('spec.subscriber', 'needs ref or uri');
  const deprecatedForm = apiVersionOf(obj.apiVersion) !== 'v1';
  trigger.subscriber = parseDestination(spec.subscriber, 'spec.subscriber', namespace, fail, deprecatedForm);
  if (present(spec.delivery)) trigger.delivery = parseDelivery(spec.delivery, 'spec.delivery', namespace, fail);

  const origin = originOf(obj);
  if (origin) triggerOrigins.set(trigger, origin);
  return trigger;
}

/** A Broker of eventing.knative.dev v1alpha1, v1beta1 or v1: its name and delivery spec. */
export function parseBroker(obj: KubeObject): Broker {
  checkKind(obj, 'Broker');
  const fail: Fail = manifestFail(obj);
  const namespace = namespaceOf(obj);
  const broker: Broker = { name: obj.metadata.name, namespace, annotations: annotationsOf(obj) };
  const spec: unknown = obj.spec;
  if (present(spec)) {
    if (!isMapping(spec)) fail('spec', `must be a mapping, got ${typeName(spec)}`);
    if (present(spec.delivery)) broker.delivery = parseDelivery(spec.delivery, 'spec.delivery', namespace, fail);
  }
  return broker;
}

/** `Trigger ns/name` with its file and document when known, for messages about a Trigger. */
export function describeTrigger(trigger: Trigger): string {
  const origin = triggerOriginOf(trigger);
  const id = `Trigger ${describeValue(trigger?.namespace)}/${describeValue(trigger?.name)}`;
  return origin ? `${describeOrigin(origin)} (${id})` : id;
}
