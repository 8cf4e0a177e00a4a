import { portSettings } from '@seldon-eventing/service';
import { DEFAULT_BROKER_PORT, transportSettings } from '@seldon-eventing/transport';
import { usageError } from './exit-codes';

/**
 * The services' default ports, as `npm start` runs them (tools/run/services.js and each app's
 * main.ts): the CLI reaches them where they listen unless their port variables say otherwise.
 */
const DEFAULT_PORTS = { ingress: 8081, predictorRouter: 8082, display: 8084 };

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
    broker: local(ports.BROKER_PORT ?? DEFAULT_BROKER_PORT),
    ingress: local(ports.INGRESS_ADAPTER_PORT ?? DEFAULT_PORTS.ingress),
    display: local(ports.EVENT_DISPLAY_PORT ?? DEFAULT_PORTS.display),
    triggers: local(ports.PREDICTOR_ROUTER_PORT ?? DEFAULT_PORTS.predictorRouter),
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
