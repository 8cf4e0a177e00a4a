import type { BrokerRef } from '@seldon-eventing/transport';

const BROKER_PATH = /^\/([^/]+)\/([^/]+)\/?$/;

/** Whether a path is one of a broker ingress's URL forms: `/` or `/<namespace>/<broker>`. */
export function isBrokerPath(path: string): boolean {
  return path === '/' || BROKER_PATH.test(path);
}

/** The broker a broker-ingress path names (`/` is the default one); undefined when it names none. */
export function brokerOfPath(path: string, defaultBroker: BrokerRef): BrokerRef | undefined {
  if (path === '/') return defaultBroker;
  const [namespace, name] = decodedSegments(BROKER_PATH, path) ?? [];
  return namespace === undefined || name === undefined ? undefined : { namespace, name };
}

/** The two segments a path pattern captures, URI-decoded; undefined when it does not match or decode. */
export function decodedSegments(pattern: RegExp, path: string): [string, string] | undefined {
  const match = pattern.exec(path);
  if (!match) return undefined;
  try {
    return [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
  } catch {
    return undefined;
  }
}
