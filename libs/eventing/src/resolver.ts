import { isAbsoluteUri, isMapping } from '@seldon-eventing/cloudevents';
import type { EventingConfig } from './config';
import { ResolutionError } from './errors';
import { describeValue, typeName, type KubeObject } from './manifests';
import type { Destination, Reference } from './model';

/**
 * Computes the address URL of an object whose manifest has no `status.address.url` (a
 * SeldonDeployment outside a cluster, say). Returns undefined when it cannot.
 */
export type AddressableResolver = (obj: KubeObject) => string | undefined;

export interface SubscriberResolverOptions {
  /** Per kind (e.g. `SeldonDeployment`), used when the object's status has no address. */
  addressables?: Record<string, AddressableResolver>;
  /** Default `cluster.local`. */
  clusterDomain?: string;
}

function describeRef(ref: Reference, namespace: string): string {
  return `${describeValue(ref.kind)} ${namespace}/${describeValue(ref.name)} (${describeValue(ref.apiVersion)})`;
}

function absoluteUrl(value: string): URL | undefined {
  if (!isAbsoluteUri(value)) return undefined;
  try {
    const url = new URL(value);
    return url.host === '' ? undefined : url;
  } catch {
    return undefined;
  }
}

/** `status.address.url`, else the first of `status.addresses` (duck/v1 Addressable). */
function statusAddress(obj: KubeObject): string | undefined {
  const status: unknown = obj.status;
  if (!isMapping(status)) return undefined;
  if (isMapping(status.address) && typeof status.address.url === 'string' && status.address.url !== '') return status.address.url;
  if (Array.isArray(status.addresses)) {
    for (const address of status.addresses) {
      if (isMapping(address) && typeof address.url === 'string' && address.url !== '') return address.url;
    }
  }
  return undefined;
}

/**
 * Turns Destinations into URLs the way Knative's URIResolver does (knative.dev/pkg/resolver):
 * - a ref to a core `v1` Service is `http://<name>.<namespace>.svc.<clusterDomain>/`, whether or
 *   not the Service is among the manifests;
 * - a ref to anything else is that object's `status.address.url` in the loaded manifests, or what
 *   the AddressableResolver registered for its kind computes;
 * - a uri next to a ref is resolved against the ref's URL (RFC 3986, like Go's ResolveReference);
 * - a uri alone must be absolute.
 * A ref without a namespace points into `namespace`. Failures are ResolutionErrors naming the ref.
 */
export class SubscriberResolver {
  private readonly addressables: Record<string, AddressableResolver>;
  private readonly clusterDomain: string;

  constructor(
    private readonly config: EventingConfig,
    options: SubscriberResolverOptions = {},
  ) {
    this.addressables = { ...(options.addressables ?? {}) };
    const domain = options.clusterDomain ?? 'cluster.local';
    if (typeof domain !== 'string' || domain === '' || /[/:?#@\s]/.test(domain)) {
      throw new ResolutionError(`clusterDomain must be a DNS name like cluster.local, got ${typeName(domain)}`);
    }
    this.clusterDomain = domain.replace(/^\.+|\.+$/g, '');
  }

  resolve(destination: Destination, namespace: string): URL {
    if (!isMapping(destination as unknown)) throw new ResolutionError(`a destination needs ref or uri, got ${typeName(destination)}`);
    const { ref, uri } = destination;
    if (uri !== undefined && typeof uri !== 'string') throw new ResolutionError(`destination uri must be a string, got ${typeName(uri)}`);
    if (ref === undefined || ref === null) {
      if (uri === undefined || uri === '') throw new ResolutionError('a destination needs ref or uri');
      const url = absoluteUrl(uri);
      if (!url) throw new ResolutionError(`destination uri ${JSON.stringify(uri)} must be an absolute URL with a scheme and a host when there is no ref`);
      return url;
    }
    const base = this.resolveRef(ref, namespace);
    if (uri === undefined || uri === '') return base;
    if (isAbsoluteUri(uri)) {
      throw new ResolutionError(`destination uri ${JSON.stringify(uri)} must be relative when ref is set (${describeRef(ref, ref.namespace ?? namespace)})`);
    }
    try {
      return new URL(uri, base);
    } catch {
      throw new ResolutionError(`destination uri ${JSON.stringify(uri)} cannot be resolved against ${base.href}`);
    }
  }

  /** The URL a reference points at, before any relative uri is applied. */
  resolveRef(ref: Reference, namespace: string): URL {
    if (!isMapping(ref as unknown)) throw new ResolutionError(`a ref must be a mapping with apiVersion, kind and name, got ${typeName(ref)}`);
    const ns = ref.namespace === undefined || ref.namespace === null || ref.namespace === '' ? namespace : ref.namespace;
    for (const field of ['apiVersion', 'kind', 'name'] as const) {
      if (typeof ref[field] !== 'string' || ref[field] === '') {
        throw new ResolutionError(`ref.${field} is required (ref ${describeRef(ref, describeValue(ns))})`);
      }
    }
    if (typeof ns !== 'string' || ns === '') throw new ResolutionError(`no namespace for ${describeRef(ref, describeValue(ns))}`);
    const what = describeRef(ref, ns);

    // Kubernetes Services are special-cased: callable without being Addressable.
    if (ref.apiVersion === 'v1' && ref.kind === 'Service') {
      const url = absoluteUrl(`http://${ref.name}.${ns}.svc.${this.clusterDomain}`);
      if (!url) throw new ResolutionError(`${what} does not make a valid host name`);
      return url;
    }

    const obj = this.config.find(ref.kind, ns, ref.name, ref.apiVersion);
    if (!obj) throw new ResolutionError(`${what} is not defined in the manifests`);
    let address = statusAddress(obj);
    let from = 'status.address.url';
    if (address === undefined) {
      const compute = Object.hasOwn(this.addressables, ref.kind) ? this.addressables[ref.kind] : undefined;
      if (!compute) throw new ResolutionError(`${what} has no status.address.url, and no resolver is registered for kind ${ref.kind}`);
      address = compute(obj);
      from = `the ${ref.kind} resolver`;
      if (address === undefined || address === '') throw new ResolutionError(`${what} has no status.address.url, and the ${ref.kind} resolver found no address`);
    }
    const url = typeof address === 'string' ? absoluteUrl(address) : undefined;
    if (!url) throw new ResolutionError(`${what}: ${from} gave ${JSON.stringify(address)}, which is not an absolute URL with a host`);
    return url;
  }
}
