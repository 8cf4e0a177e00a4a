import { isDns1123Label, type DeploymentName } from './names';
import { SeldonPayloadError } from './protocol-v1';

/**
 * The paths a Seldon Core v1 predictor answers predictions on, per `spec.protocol`
 * (operator/utils GetPredictionPath, executor/api/rest/server.go routes):
 *   seldon      /api/v1.0/predictions         (the executor also serves the older /api/v0.1/predictions)
 *   tensorflow  /v1/models/<graph>:predict     (the executor also accepts /v1/models/<graph>/:predict,
 *                                               and /v1/models:predict for the root of the graph)
 *   v2          /v2/models/<graph>/infer       (`kfserving` is the old name of the same protocol;
 *                                               /v2/models/<graph>/versions/<v>/infer per the V2 spec)
 * and the ingress gateways (Istio, Ambassador) put every deployment behind
 * `/seldon/<namespace>/<deployment>/`, rewriting that prefix to `/`.
 */

export type SeldonProtocol = 'seldon' | 'tensorflow' | 'v2';

export const SELDON_PREDICTIONS_PATH = '/api/v1.0/predictions';
/** The v0.1 form the executor and the Python wrapper still answer. */
export const SELDON_PREDICTIONS_PATH_V01 = '/api/v0.1/predictions';
export const INGRESS_PREFIX = '/seldon';

/** The prediction path of `graphName` in `protocol`. */
export function predictorPath(protocol: SeldonProtocol, graphName: string): string {
  switch (protocol) {
    case 'seldon':
      return SELDON_PREDICTIONS_PATH;
    case 'tensorflow':
      return `/v1/models/${encodeURIComponent(graphName)}:predict`;
    case 'v2':
      return `/v2/models/${encodeURIComponent(graphName)}/infer`;
    default:
      throw new TypeError(`unknown Seldon protocol ${JSON.stringify(protocol)} (expected seldon, tensorflow or v2)`);
  }
}

/** Each protocol's prediction paths; group 1, when present, is the model (the graph root). */
const PROTOCOL_PATHS: readonly [SeldonProtocol, RegExp][] = [
  ['seldon', /^\/api\/v(?:1\.0|0\.1)\/predictions$/],
  ['tensorflow', /^\/v1\/models(?:\/([^/:]+))?\/?:predict$/],
  ['v2', /^\/v2\/models\/([^/]+)(?:\/versions\/[^/]+)?\/infer$/],
];
const PREDICTOR_PATHS: readonly RegExp[] = PROTOCOL_PATHS.map(([, re]) => re);

/** A prediction path's protocol, and the model it names (tensorflow and v2), URI-decoded. */
export interface ProtocolPath {
  protocol: SeldonProtocol;
  model?: string;
}

/**
 * The protocol of a bare prediction path such as `/v2/models/classifier/infer`; undefined for any
 * other path, and for a model name that does not URI-decode.
 */
export function protocolOfPath(path: string): ProtocolPath | undefined {
  for (const [protocol, re] of PROTOCOL_PATHS) {
    const match = re.exec(path);
    if (!match) continue;
    if (match[1] === undefined) return { protocol };
    try {
      return { protocol, model: decodeURIComponent(match[1]) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function withoutQuery(path: string): string {
  const end = path.search(/[?#]/);
  return end < 0 ? path : path.slice(0, end);
}

function isBarePredictorPath(path: string): boolean {
  return PREDICTOR_PATHS.some((re) => re.test(path));
}

/** `/seldon/<namespace>/<deployment>/api/v1.0/predictions`, or `path` behind that prefix. */
export function ingressPath(d: DeploymentName, path: string = SELDON_PREDICTIONS_PATH): string {
  return `${INGRESS_PREFIX}/${d.namespace}/${d.deployment}${path.startsWith('/') ? path : `/${path}`}`;
}

export interface IngressPath extends DeploymentName {
  /** The predictor path behind the prefix, e.g. `/api/v1.0/predictions`. */
  path: string;
}

const INGRESS = /^\/seldon\/([^/]+)\/([^/]+)(\/.*)$/;

/**
 * Splits a gateway path `/seldon/<namespace>/<deployment>/<predictor path>` (a query string is
 * ignored). Undefined unless the names are DNS-1123 labels and the rest is a predictor path.
 */
export function splitIngressPath(path: string): IngressPath | undefined {
  if (typeof path !== 'string') return undefined;
  const match = INGRESS.exec(withoutQuery(path));
  if (!match) return undefined;
  const [, namespace, deployment, rest] = match;
  if (!isDns1123Label(namespace) || !isDns1123Label(deployment) || !isBarePredictorPath(rest)) return undefined;
  return { namespace, deployment, path: rest };
}

/** The deployment a gateway path such as `/seldon/<ns>/<dep>/api/v1.0/predictions` addresses. */
export function parseIngressPath(path: string): DeploymentName | undefined {
  const split = splitIngressPath(path);
  return split ? { deployment: split.deployment, namespace: split.namespace } : undefined;
}

/**
 * Whether `path` is `/seldon/<namespace>/<deployment>/api/v1.0/predictions` (or v0.1, a trailing
 * slash allowed), whatever names it holds (see isGatewayPath).
 */
export function isSeldonIngressPath(path: string): boolean {
  const match = GATEWAY_PATH.exec(path);
  return match !== null && protocolOfPath(match[3])?.protocol === 'seldon';
}

/**
 * The deployment a Seldon protocol gateway path names (see isSeldonIngressPath), its segments
 * URI-decoded; undefined for any other path; a SeldonPayloadError (404) for names that cannot be
 * a deployment's (see gatewayTarget).
 */
export function seldonIngressDeployment(path: string): DeploymentName | undefined {
  if (!isSeldonIngressPath(path)) return undefined;
  const { namespace, deployment } = gatewayTarget(path) as GatewayTarget;
  return { namespace, deployment };
}

/**
 * Whether `path` is a prediction path of one of the protocols, bare or behind the
 * `/seldon/<namespace>/<deployment>` gateway prefix. A query string is ignored.
 */
export function isPredictorPath(path: string): boolean {
  if (typeof path !== 'string') return false;
  const bare = withoutQuery(path);
  return isBarePredictorPath(bare) || splitIngressPath(bare) !== undefined;
}

/** What a gateway path addresses: the deployment, the predictor path behind the prefix, its protocol. */
export interface GatewayTarget extends IngressPath, ProtocolPath {}

/** `/seldon/<namespace>/<deployment>/<predictor path of any protocol>`, whatever the names hold. */
const GATEWAY_PATH = /^\/seldon\/([^/]+)\/([^/]+)(\/.*?)\/?$/;

/**
 * Whether `path` is a prediction path of one of the protocols behind the gateway prefix,
 * whatever names it holds: a server that answers these answers bad names too (see gatewayTarget).
 */
export function isGatewayPath(path: string): boolean {
  const match = GATEWAY_PATH.exec(path);
  return match !== null && protocolOfPath(match[3]) !== undefined;
}

/**
 * What a gateway path (see isGatewayPath) addresses, its names URI-decoded; undefined for any
 * other path. Names that are not DNS-1123 labels name no deployment that can exist: a
 * SeldonPayloadError with status 404 says so.
 */
export function gatewayTarget(path: string): GatewayTarget | undefined {
  const match = GATEWAY_PATH.exec(path);
  const protocolPath = match ? protocolOfPath(match[3]) : undefined;
  if (!match || !protocolPath) return undefined;
  let namespace: string;
  let deployment: string;
  try {
    namespace = decodeURIComponent(match[1]);
    deployment = decodeURIComponent(match[2]);
  } catch {
    throw new SeldonPayloadError(`'${path}' is not a valid URI path`, 404);
  }
  if (!isDns1123Label(namespace) || !isDns1123Label(deployment)) {
    throw new SeldonPayloadError(`'${namespace}/${deployment}' is not a valid namespace/deployment pair: both must be DNS-1123 labels`, 404);
  }
  return { namespace, deployment, path: match[3], ...protocolPath };
}
