import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { brokerPortSetting, DEFAULT_BROKER_PORT } from '@seldon-eventing/transport';

/** Nest's levels, most severe first: LOG_LEVEL shows its own and every one before it. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

/** What the service shell reads for every service. */
export const serviceSettings = defineSettings('Every service', {
  port: setting.int('PORT', {
    min: 0,
    max: 65535,
    defaultText: "the service's own port (below)",
    description: "the port to listen on when the service's own port variable is unset (containers set this)",
  }),
  host: setting.string('HOST', { default: '0.0.0.0', description: 'the address to listen on' }),
  maxBodyBytes: setting.int('MAX_BODY_BYTES', { default: 10 * 1024 * 1024, min: 1, defaultText: '10 MiB', description: 'request size limit (413 above it)' }),
  shutdownTimeoutMs: setting.int('SHUTDOWN_TIMEOUT_MS', {
    default: 20_000,
    min: 1,
    description: 'how long a stop (SIGTERM) may take, draining included, before the process exits anyway',
  }),
  logLevel: setting.oneOf('LOG_LEVEL', LOG_LEVELS, {
    default: 'log',
    description: `the most verbose level logged: ${LOG_LEVELS.map((l) => `\`${l}\``).join(', ')} (\`log\` is written as \`info\`, \`verbose\` as \`trace\`)`,
  }),
  logFormat: setting.oneOf('LOG_FORMAT', ['text', 'json'] as const, {
    default: 'text',
    description: '`json` for one JSON object a line (for log shippers), `text` for readable lines (coloured on a terminal); see docs/observability.md',
  }),
});

export type ServiceSettings = SettingsOf<typeof serviceSettings>;

/**
 * Where each service listens when neither its own port setting nor PORT says otherwise: on one
 * machine (`npm start`), where the others, the console and the CLI reach it.
 */
export const DEFAULT_PORTS = {
  BROKER_PORT: DEFAULT_BROKER_PORT,
  INGRESS_ADAPTER_PORT: 8081,
  PREDICTOR_ROUTER_PORT: 8082,
  RESPONSE_PUBLISHER_PORT: 8083,
  EVENT_DISPLAY_PORT: 8084,
  KAFKA_DISPATCHER_PORT: 8085,
  MODEL_SERVER_PORT: 9000,
} as const;

const port = (name: keyof typeof DEFAULT_PORTS, defaultPort: number, what: string) =>
  setting.int(name, { min: 0, max: 65535, defaultText: `${defaultPort}`, description: what });

/**
 * The product's services' ports. Each service listens on its own (else PORT, else the default);
 * some also reach another through it when running on one machine.
 */
export const portSettings = defineSettings('Ports', {
  BROKER_PORT: brokerPortSetting,
  INGRESS_ADAPTER_PORT: port('INGRESS_ADAPTER_PORT', DEFAULT_PORTS.INGRESS_ADAPTER_PORT, "the ingress-adapter's port"),
  PREDICTOR_ROUTER_PORT: port('PREDICTOR_ROUTER_PORT', DEFAULT_PORTS.PREDICTOR_ROUTER_PORT, "the predictor-router's port; the embedded broker delivers predictor Triggers to it by default"),
  RESPONSE_PUBLISHER_PORT: port('RESPONSE_PUBLISHER_PORT', DEFAULT_PORTS.RESPONSE_PUBLISHER_PORT, "the response-publisher's port"),
  EVENT_DISPLAY_PORT: port('EVENT_DISPLAY_PORT', DEFAULT_PORTS.EVENT_DISPLAY_PORT, "the event-display's port"),
  KAFKA_DISPATCHER_PORT: port('KAFKA_DISPATCHER_PORT', DEFAULT_PORTS.KAFKA_DISPATCHER_PORT, "the kafka-dispatcher's port"),
  MODEL_SERVER_PORT: port('MODEL_SERVER_PORT', DEFAULT_PORTS.MODEL_SERVER_PORT, "the model-server's port"),
});

export type PortSettings = SettingsOf<typeof portSettings>;

/** Where the service whose port setting is `name` listens on this machine: the setting, else its default. */
export function localPort(name: keyof typeof DEFAULT_PORTS, ports: PortSettings): number {
  return ports[name] ?? DEFAULT_PORTS[name];
}
