import { createHash } from 'node:crypto';
import { isMapping } from '@seldon-eventing/cloudevents';
import { locate, ManifestError, typeName, type AddressableResolver, type KubeObject } from '@seldon-eventing/eventing';
import { isDns1123Label } from './names';
import { predictorPath, type SeldonProtocol } from './paths';

/**
 * SeldonDeployments (machinelearning.seldon.io v1, v1alpha2, v1alpha3: one shape) and the
 * address Seldon Core v1's operator gives them (operator/controllers/seldondeployment_controller.go,
 * createAddressableResource):
 *
 *   http://<predictor service>.<namespace>.svc.cluster.local:<engine port><prediction path>
 *
 * for the FIRST predictor only ("Currently there will only be a URL for the first predictor, and
 * assumes always REST"). The predictor service is `<deployment>-<predictor>` (GetPredictorKey),
 * `seldon-<md5 of that>` when longer than 63 characters, or the predictor's `seldon.io/svc-name`
 * annotation when set. The engine port is the executor's HTTP port: 8000 unless the operator was
 * given ENGINE_SERVER_PORT, an operator-wide setting, so here it is an option of the resolver
 * (`seldonDeploymentResolver({ enginePort })`), not a per-deployment annotation.
 * `status.address.url`, once the operator has written it, wins over the computation.
 */

export const SELDON_DEPLOYMENT_KIND = 'SeldonDeployment';
export const SELDON_API_GROUP = 'machinelearning.seldon.io';
export const SELDON_API_VERSIONS: readonly string[] = ['v1', 'v1alpha2', 'v1alpha3'];
/** The executor's HTTP port (DEFAULT_ENGINE_CONTAINER_PORT). */
export const DEFAULT_ENGINE_PORT = 8000;
/** Predictor annotation naming its Service instead of `<deployment>-<predictor>`. */
export const SVC_NAME_ANNOTATION = 'seldon.io/svc-name';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

export type { SeldonProtocol } from './paths';

export interface SeldonPredictor {
  name: string;
  /** `graph.name`: the root unit, which names the model in tensorflow and v2 paths. */
  graphName: string;
  /** The predictor's `seldon.io/svc-name` annotation, when set. */
  svcName?: string;
}

export interface SeldonDeployment {
  name: string;
  namespace: string;
  protocol: SeldonProtocol;
  predictors: SeldonPredictor[];
  /** `status.address.url` (or `status.addressable.url`), when the manifest has one. */
  statusUrl?: string;
}

export interface DeploymentUrlOptions {
  /** Default 8000, the executor's HTTP port. */
  enginePort?: number;
  /** Default cluster.local. */
  clusterDomain?: string;
}

type Json = Record<string, unknown>;

/** Whether `obj` is a SeldonDeployment of a known machinelearning.seldon.io version. */
export function isSeldonDeployment(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return (
    isMapping(obj) &&
    obj.kind === SELDON_DEPLOYMENT_KIND &&
    typeof obj.apiVersion === 'string' &&
    SELDON_API_VERSIONS.some((v) => obj.apiVersion === `${SELDON_API_GROUP}/${v}`)
  );
}

function parseProtocol(value: unknown, fail: (field: string, problem: string) => never): SeldonProtocol {
  if (value === undefined || value === null || value === '') return 'seldon';
  switch (value) {
    case 'seldon':
    case 'tensorflow':
    case 'v2':
      return value as SeldonProtocol;
    case 'kfserving':
      return 'v2';
    default:
      return fail('spec.protocol', `must be one of seldon, tensorflow, v2 (or kfserving), got ${typeName(value)}`);
  }
}

function nonEmptyString(value: unknown, field: string, fail: (field: string, problem: string) => never): string {
  if (value === undefined || value === null) fail(field, 'is required');
  if (typeof value !== 'string') fail(field, `must be a string, got ${typeName(value)}`);
  if (value === '') fail(field, 'must not be empty');
  return value;
}

function absoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
  } catch {
    return false;
  }
}

function statusUrlOf(status: unknown, fail: (field: string, problem: string) => never): string | undefined {
  if (!isMapping(status)) return undefined;
  for (const key of ['address', 'addressable']) {
    const holder = status[key];
    if (holder === undefined || holder === null) continue;
    if (!isMapping(holder)) fail(`status.${key}`, `must be a mapping, got ${typeName(holder)}`);
    const url = holder.url;
    if (url === undefined || url === null || url === '') continue;
    if (typeof url !== 'string') fail(`status.${key}.url`, `must be a string, got ${typeName(url)}`);
    if (!absoluteHttpUrl(url)) fail(`status.${key}.url`, `must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
    return url;
  }
  return undefined;
}

/**
 * Reads what the eventing side needs of a SeldonDeployment manifest. A ManifestError names the
 * object (and its file, when loaded from one) and the offending field.
 */
export function parseSeldonDeployment(obj: KubeObject): SeldonDeployment {
  if (!isMapping(obj) || !isMapping(obj.metadata)) {
    throw new ManifestError(`a SeldonDeployment must be a Kubernetes object with metadata, got ${typeName(obj)}`);
  }
  const at = locate(obj);
  const fail = (field: string, problem: string): never => {
    throw new ManifestError(`${at}: ${field} ${problem}`);
  };
  if (obj.kind !== SELDON_DEPLOYMENT_KIND) fail('kind', `must be ${SELDON_DEPLOYMENT_KIND}, got ${typeName(obj.kind)}`);
  if (!isSeldonDeployment(obj)) {
    fail('apiVersion', `must be one of ${SELDON_API_VERSIONS.map((v) => `${SELDON_API_GROUP}/${v}`).join(', ')}, got ${typeName(obj.apiVersion)}`);
  }
  const name = nonEmptyString(obj.metadata.name, 'metadata.name', fail);
  if (!isDns1123Label(name)) fail('metadata.name', `must be a DNS-1123 label (lower-case letters, digits and '-', at most 63), got ${JSON.stringify(name)}`);
  const rawNamespace: unknown = obj.metadata.namespace;
  const namespace = rawNamespace === undefined || rawNamespace === null || rawNamespace === '' ? 'default' : rawNamespace;
  if (!isDns1123Label(namespace)) fail('metadata.namespace', `must be a DNS-1123 label, got ${typeName(namespace)}`);

  const spec: unknown = obj.spec;
  if (spec === undefined || spec === null) fail('spec', 'is required');
  if (!isMapping(spec)) fail('spec', `must be a mapping, got ${typeName(spec)}`);
  const s = spec as Json;
  const protocol = parseProtocol(s.protocol, fail);
  const rawPredictors = s.predictors;
  if (rawPredictors === undefined || rawPredictors === null) fail('spec.predictors', 'is required');
  if (!Array.isArray(rawPredictors)) fail('spec.predictors', `must be a list, got ${typeName(rawPredictors)}`);
  const list = rawPredictors as unknown[];
  if (list.length === 0) fail('spec.predictors', 'must not be empty');

  const seen = new Set<string>();
  const predictors = list.map((raw, i): SeldonPredictor => {
    const field = `spec.predictors[${i}]`;
    if (!isMapping(raw)) fail(field, `must be a mapping, got ${typeName(raw)}`);
    const p = raw as Json;
    const predictorName = nonEmptyString(p.name, `${field}.name`, fail);
    if (seen.has(predictorName)) fail(`${field}.name`, `repeats predictor name ${JSON.stringify(predictorName)}`);
    seen.add(predictorName);
    if (p.graph === undefined || p.graph === null) fail(`${field}.graph`, 'is required');
    if (!isMapping(p.graph)) fail(`${field}.graph`, `must be a mapping, got ${typeName(p.graph)}`);
    const graphName = nonEmptyString((p.graph as Json).name, `${field}.graph.name`, fail);
    const predictor: SeldonPredictor = { name: predictorName, graphName };
    const annotations = p.annotations;
    if (annotations !== undefined && annotations !== null) {
      if (!isMapping(annotations)) fail(`${field}.annotations`, `must be a mapping, got ${typeName(annotations)}`);
      const svcName = (annotations as Json)[SVC_NAME_ANNOTATION];
      if (svcName !== undefined) {
        if (!isDns1123Label(svcName)) fail(`${field}.annotations["${SVC_NAME_ANNOTATION}"]`, `must be a DNS-1123 label, got ${typeName(svcName)}`);
        predictor.svcName = svcName as string;
      }
    }
    return predictor;
  });

  const deployment: SeldonDeployment = { name, namespace: namespace as string, protocol, predictors };
  const statusUrl = statusUrlOf(obj.status, fail);
  if (statusUrl !== undefined) deployment.statusUrl = statusUrl;
  return deployment;
}

/** The Service in front of a predictor, as the operator names it (GetPredictorKey). */
export function predictorServiceName(deployment: string, predictor: Pick<SeldonPredictor, 'name' | 'svcName'>): string {
  if (predictor.svcName) return predictor.svcName;
  const name = `${deployment}-${predictor.name}`;
  return name.length > 63 ? `seldon-${createHash('md5').update(name).digest('hex')}` : name;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`enginePort must be an integer from 1 to 65535, got ${port}`);
  return port;
}

/** The address the operator computes for the first predictor, ignoring any status URL. */
export function computedDeploymentUrl(sdep: SeldonDeployment, options: DeploymentUrlOptions = {}): string {
  const first = sdep.predictors[0];
  if (!first) throw new ManifestError(`SeldonDeployment ${sdep.namespace}/${sdep.name}: spec.predictors must not be empty`);
  const port = checkPort(options.enginePort ?? DEFAULT_ENGINE_PORT);
  const domain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const host = `${predictorServiceName(sdep.name, first)}.${sdep.namespace}.svc.${domain}:${port}`;
  return `http://${host}${predictorPath(sdep.protocol, first.graphName)}`;
}

/** `status.address.url` when the manifest has it, else the computed address of the first predictor. */
export function deploymentUrl(sdep: SeldonDeployment, options: DeploymentUrlOptions = {}): string {
  return sdep.statusUrl ?? computedDeploymentUrl(sdep, options);
}

/**
 * An AddressableResolver for SeldonDeployments with the given engine port / cluster domain.
 * Other kinds get undefined; a malformed SeldonDeployment throws its ManifestError.
 */
export function seldonDeploymentResolver(options: DeploymentUrlOptions = {}): AddressableResolver {
  if (options.enginePort !== undefined) checkPort(options.enginePort);
  return (obj: KubeObject) => (isMapping(obj) && obj.kind === SELDON_DEPLOYMENT_KIND ? deploymentUrl(parseSeldonDeployment(obj), options) : undefined);
}

/** The resolver with Seldon's defaults: port 8000, cluster.local. */
export const seldonDeploymentAddressable: AddressableResolver = seldonDeploymentResolver();
