import type { PortSettings } from '@seldon-eventing/service';
import type { ConsoleService } from './console.settings';
import type { ServiceAddress } from './trigger-flow';

/** Each service's port setting and default, as tools/run/services.js starts them for `npm start`. */
const PORTS: Record<ConsoleService, { setting: keyof PortSettings; port: number }> = {
  broker: { setting: 'BROKER_PORT', port: 8080 },
  'ingress-adapter': { setting: 'INGRESS_ADAPTER_PORT', port: 8081 },
  'predictor-router': { setting: 'PREDICTOR_ROUTER_PORT', port: 8082 },
  'response-publisher': { setting: 'RESPONSE_PUBLISHER_PORT', port: 8083 },
  'event-display': { setting: 'EVENT_DISPLAY_PORT', port: 8084 },
  'kafka-dispatcher': { setting: 'KAFKA_DISPATCHER_PORT', port: 8085 },
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
  const { setting, port } = PORTS[name];
  return new URL(`http://127.0.0.1:${ports[setting] ?? (name === 'event-display' ? ownPort : undefined) ?? port}`);
}

/** The services whose /metrics the console's Flow reads on `backend`. */
export function flowServices(backend: string, overrides: Partial<Record<ConsoleService, URL>>, ports: PortSettings, ownPort?: number): ServiceAddress[] {
  return (ON_BACKEND[backend] ?? ON_BACKEND.knative).map((name) => ({ name, url: serviceUrl(name, overrides, ports, ownPort) }));
}
