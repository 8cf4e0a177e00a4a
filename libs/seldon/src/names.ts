/**
 * Seldon Core v1's CloudEvents naming, as its executor writes it
 * (executor/api/rest/middlewares.go, CloudeventHeaderMiddleware):
 *   Ce-Type   = "seldon." + deploymentName + "." + namespace + ".response"
 *   Ce-Source = "seldon." + deploymentName          (no namespace)
 * and the request type a Trigger filters on is the same with `.request`.
 */

export interface DeploymentName {
  deployment: string;
  namespace: string;
}

export const SELDON_TYPE_PREFIX = 'seldon';
export const REQUEST_SUFFIX = 'request';
export const RESPONSE_SUFFIX = 'response';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Whether `name` is an RFC 1123 label as Kubernetes has it (lower-case alphanumerics and '-',
 * alphanumeric at both ends, at most 63 characters). Namespaces are labels, and a
 * SeldonDeployment's name becomes part of Service names, so it must be one too. Having no dots
 * is what makes `seldon.<deployment>.<namespace>.request` parse back unambiguously.
 */
export function isDns1123Label(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 63 && DNS_1123_LABEL.test(name);
}

/** `seldon.<deployment>.<namespace>.request` */
export function requestType(d: DeploymentName): string {
  return `${SELDON_TYPE_PREFIX}.${d.deployment}.${d.namespace}.${REQUEST_SUFFIX}`;
}

/** `seldon.<deployment>.<namespace>.response` */
export function responseType(d: DeploymentName): string {
  return `${SELDON_TYPE_PREFIX}.${d.deployment}.${d.namespace}.${RESPONSE_SUFFIX}`;
}

/** `seldon.<deployment>`: Seldon's response source names the deployment, not its namespace. */
export function responseSource(deployment: string): string {
  return `${SELDON_TYPE_PREFIX}.${deployment}`;
}

function parseType(type: unknown, suffix: string): DeploymentName | undefined {
  if (typeof type !== 'string') return undefined;
  const parts = type.split('.');
  if (parts.length !== 4 || parts[0] !== SELDON_TYPE_PREFIX || parts[3] !== suffix) return undefined;
  const [, deployment, namespace] = parts;
  return isDns1123Label(deployment) && isDns1123Label(namespace) ? { deployment, namespace } : undefined;
}

/**
 * `seldon.<deployment>.<namespace>.request` -> its names; undefined for anything else,
 * including names that are not DNS-1123 labels (upper case, dots, too long...).
 */
export function parseRequestType(type: string): DeploymentName | undefined {
  return parseType(type, REQUEST_SUFFIX);
}

/** The same for `seldon.<deployment>.<namespace>.response`. */
export function parseResponseType(type: string): DeploymentName | undefined {
  return parseType(type, RESPONSE_SUFFIX);
}
