import { DEFAULT_PORTS, localPort, type PortSettings } from '@seldon-eventing/service';
import type { ConsoleService } from './console.settings';
import type { ServiceAddress } from './trigger-flow';

/** Each service's port setting (tools/run/services.js starts them at their defaults for `npm start`). */
const PORT_SETTING: Record<ConsoleService, keyof typeof DEFAULT_PORTS> = {
  broker: 'BROKER_PORT',
  'ingress-adapter': 'INGRESS_ADAPTER_PORT',
  'predictor-router': 'PREDICTOR_ROUTER_PORT',
  'response-publisher': 'RESPONSE_PUBLISHER_PORT',
  'event-display': 'EVENT_DISPLAY_PORT',
  'kafka-dispatcher': 'KAFKA_DISPATCHER_PORT',
};

/** The services that deliver events on a backend: the embedded broker only on knative, the kafka-dispatcher only on kafka. */
const ON_BACKEND: Record<string, ConsoleService[]> = {
  knative: ['broker', 'ingress-adapter', 'predictor-router', 'response-publisher', 'event-display'],
  kafka: ['ingress-adapter', 'predictor-router', 'response-publisher', 'event-display', 'kafka-dispatcher'],
};

/**
 * Where a service is: CONSOLE_SERVICES when it names it, else this machine at the service's port
 * setting or default (event-display's own also honours PORT, as the service shell does).
 */
export function serviceUrl(name: ConsoleService, overrides: Partial<Record<ConsoleService, URL>>, ports: PortSettings, ownPort?: number): URL {
  const override = overrides[name];
  if (override) return override;
  const setting = PORT_SETTING[name];
  const own = name === 'event-display' && ports[setting] === undefined ? ownPort : undefined;
  return new URL(`http://127.0.0.1:${own ?? localPort(setting, ports)}`);
}

/** The services whose /metrics the console's Flow reads on `backend`. */
export function flowServices(backend: string, overrides: Partial<Record<ConsoleService, URL>>, ports: PortSettings, ownPort?: number): ServiceAddress[] {
  return (ON_BACKEND[backend] ?? ON_BACKEND.knative).map((name) => ({ name, url: serviceUrl(name, overrides, ports, ownPort) }));
}
