import { isMapping } from '@seldon-eventing/cloudevents';
import { locate, ManifestError, typeName, type AddressableResolver, type KubeObject } from '@seldon-eventing/eventing';
import { isDns1123Label } from './names';
import { predictorPath, type SeldonProtocol } from './paths';

/**
 * KServe InferenceServices (serving.kserve.io/v1beta1) as predictors of a Trigger.
 *
 * Address: Knative resolves a ref to an InferenceService to its `status.address.url`, which since
 * KServe 0.11 is the host only (`http://<name>.<namespace>.svc.cluster.local`); older releases
 * wrote the whole v1 predict URL there. Without a status (outside a cluster) the address is the
 * one KServe's controller gives the InferenceService's top-level Service, computed here.
 *
 * Protocol, as KServe's `GetProtocol()` decides it (pkg/apis/serving/v1beta1/predictor_*.go):
 *   spec.predictor.model.protocolVersion                   (the `model` form; default v1)
 *   spec.predictor.<framework>.protocolVersion             (the older per-framework form: sklearn,
 *                                                           xgboost, lightgbm... default v1, triton v2)
 * and the paths KServe's model server answers (python/kserve/kserve/protocol/rest):
 *   v1  /v1/models/<model>:predict   TF-style `instances` / `predictions`
 *   v2  /v2/models/<model>/infer     the Open Inference Protocol
 * where the model is the InferenceService's name (the model server's default `--model_name`).
 * `grpc-v1` and `grpc-v2` are gRPC, which the predictor-router does not speak: refused.
 */

export const INFERENCE_SERVICE_KIND = 'InferenceService';
export const KSERVE_API_GROUP = 'serving.kserve.io';
export const KSERVE_API_VERSION = `${KSERVE_API_GROUP}/v1beta1`;

export type KServeProtocol = 'v1' | 'v2';

/** The type of the event KServe's model server answers a CloudEvent with (CE_TYPE's default). */
export const KSERVE_RESPONSE_TYPE = 'io.kserve.inference.response';

/** `io.kserve.inference.<model>`: the source KServe's model server gives its answer (CE_SOURCE's default). */
export function kserveResponseSource(model: string): string {
  return `io.kserve.inference.${model}`;
}

/** The frameworks of the older predictor form whose protocol defaults to v2 (TritonSpec.GetProtocol). */
const V2_BY_DEFAULT = new Set(['triton']);
/** The older per-framework predictor keys (PredictorSpec's inline implementations). */
const FRAMEWORKS = ['sklearn', 'xgboost', 'lightgbm', 'tensorflow', 'pytorch', 'triton', 'onnx', 'pmml', 'paddle', 'huggingface'];

export interface InferenceService {
  name: string;
  namespace: string;
  protocol: KServeProtocol;
}

/** Whether `obj` is a KServe v1beta1 InferenceService. */
export function isInferenceService(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return isMapping(obj) && obj.kind === INFERENCE_SERVICE_KIND && obj.apiVersion === KSERVE_API_VERSION;
}

function parseProtocol(predictor: Record<string, unknown>, fail: (field: string, problem: string) => never): KServeProtocol {
  const forms = [['model', 'v1'], ...FRAMEWORKS.map((f) => [f, V2_BY_DEFAULT.has(f) ? 'v2' : 'v1'])].filter(([key]) => isMapping(predictor[key]));
  const [key, fallback] = forms[0] ?? [undefined, 'v1'];
  const field = `spec.predictor.${key}.protocolVersion`;
  const value = key === undefined ? undefined : (predictor[key] as Record<string, unknown>).protocolVersion;
  if (value === undefined || value === null || value === '') return fallback as KServeProtocol;
  if (value === 'v1' || value === 'v2') return value;
  if (value === 'grpc-v1' || value === 'grpc-v2') return fail(field, `is ${value}: gRPC, which the predictor-router does not speak (it calls predictors over HTTP: v1 or v2)`);
  return fail(field, `must be v1 or v2, got ${typeName(value)}`);
}

/** Reads what the eventing side needs of an InferenceService manifest; a ManifestError names the object and field. */
export function parseInferenceService(obj: KubeObject): InferenceService {
  if (!isMapping(obj) || !isMapping(obj.metadata)) throw new ManifestError(`an InferenceService must be a Kubernetes object with metadata, got ${typeName(obj)}`);
  const at = locate(obj);
  const fail = (field: string, problem: string): never => {
    throw new ManifestError(`${at}: ${field} ${problem}`);
  };
  if (!isInferenceService(obj)) fail('apiVersion', `must be ${KSERVE_API_VERSION} for kind ${INFERENCE_SERVICE_KIND}, got ${typeName(obj.apiVersion)}`);
  const name: unknown = obj.metadata.name;
  if (!isDns1123Label(name)) fail('metadata.name', `must be a DNS-1123 label, got ${typeName(name)}`);
  const rawNamespace: unknown = obj.metadata.namespace;
  const namespace = rawNamespace === undefined || rawNamespace === null || rawNamespace === '' ? 'default' : rawNamespace;
  if (!isDns1123Label(namespace)) fail('metadata.namespace', `must be a DNS-1123 label, got ${typeName(namespace)}`);
  const spec: unknown = obj.spec;
  if (!isMapping(spec) || !isMapping(spec.predictor)) fail('spec.predictor', 'is required');
  const protocol = parseProtocol((spec as Record<string, Record<string, unknown>>).predictor, fail);
  // The address is the resolver's business (status.address.url, else inferenceServiceResolver).
  return { name: name as string, namespace: namespace as string, protocol };
}

/** The request body an InferenceService takes: KServe's v1 is TF Serving's REST `:predict`, v2 the Open Inference Protocol. */
export function inferenceServiceProtocol(isvc: Pick<InferenceService, 'protocol'>): SeldonProtocol {
  return isvc.protocol === 'v1' ? 'tensorflow' : 'v2';
}

/** The path an InferenceService's model answers predictions on in its protocol. */
function inferenceServicePath(isvc: Pick<InferenceService, 'name' | 'protocol'>): string {
  return predictorPath(inferenceServiceProtocol(isvc), isvc.name);
}

/**
 * The URL to call: the resolved address with the protocol's path added, unless the address (an
 * older KServe's status, or a Trigger's `uri`) already names a path.
 */
export function inferenceServiceUrl(isvc: Pick<InferenceService, 'name' | 'protocol'>, address: URL): URL {
  if (address.pathname !== '/' && address.pathname !== '') return new URL(address.href);
  return new URL(inferenceServicePath(isvc), address);
}

/**
 * An AddressableResolver for InferenceServices without `status.address.url`: the host KServe gives
 * the top-level Service, `http://<name>.<namespace>.svc.<clusterDomain>`. A malformed
 * InferenceService throws its ManifestError; other kinds get undefined.
 */
export function inferenceServiceResolver(clusterDomain = 'cluster.local'): AddressableResolver {
  return (obj: KubeObject) => {
    if (!isMapping(obj) || obj.kind !== INFERENCE_SERVICE_KIND) return undefined;
    const isvc = parseInferenceService(obj);
    return `http://${isvc.name}.${isvc.namespace}.svc.${clusterDomain}`;
  };
}
