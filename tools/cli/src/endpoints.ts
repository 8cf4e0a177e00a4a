import { localPort, portSettings } from '@seldon-eventing/service';
import { transportSettings } from '@seldon-eventing/transport';
import { usageError } from './exit-codes';

/** Where the services of this machine answer, from the same settings the services read. */
export interface Endpoints {
  broker: string;
  ingress: string;
  display: string;
  /** A service serving `GET /triggers` on both backends: the predictor-router. */
  triggers: string;
  /** INGRESS_AUTH_TOKEN: what the broker and ingress-adapter require, when they do. */
  token?: string;
}

export function localEndpoints(env: NodeJS.ProcessEnv): Endpoints {
  const ports = portSettings.read(env);
  const transport = transportSettings.read(env);
  const local = (port: number) => `http://127.0.0.1:${port}`;
  return {
    broker: local(localPort('BROKER_PORT', ports)),
    ingress: local(localPort('INGRESS_ADAPTER_PORT', ports)),
    display: local(localPort('EVENT_DISPLAY_PORT', ports)),
    triggers: local(localPort('PREDICTOR_ROUTER_PORT', ports)),
    ...(transport.sharedToken ? { token: transport.sharedToken } : {}),
  };
}

/** An http(s) URL given on the command line, or a usage error naming the flag. */
export function httpUrl(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${flag} must be an http(s) URL, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`${flag} must be an http(s) URL, got ${JSON.stringify(text)}`);
  return url;
}

/**
 * `--to`: `broker` (the embedded broker's default broker, `POST /`), `ingress` (the
 * ingress-adapter, which publishes to the bus on both backends) or a URL.
 */
export function resolveTarget(to: string, endpoints: Endpoints): string {
  if (to === 'broker') return `${endpoints.broker}/`;
  if (to === 'ingress') return `${endpoints.ingress}/`;
  return httpUrl(to, '--to').href;
}
