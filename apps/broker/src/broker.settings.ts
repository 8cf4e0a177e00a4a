import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { authSettings, portSettings, serviceSettings, tracingSettings } from '@seldon-eventing/service';
import { topologySettings } from '@seldon-eventing/topology';
import { transportSettings } from '@seldon-eventing/transport';

/** The embedded broker's own settings. */
export const brokerSettings = defineSettings('Embedded broker (knative backend)', {
  predictorRouterUrl: setting.url('PREDICTOR_ROUTER_URL', {
    defaultText: '`http://127.0.0.1:<PREDICTOR_ROUTER_PORT>`',
    description: 'where the broker delivers Triggers whose subscriber is a Seldon predictor (the predictor-router calls it)',
  }),
  maxInFlightPerTrigger: setting.int('BROKER_MAX_IN_FLIGHT_PER_TRIGGER', { default: 100, min: 1, description: 'deliveries of one Trigger in flight at once' }),
  maxQueuedPerTrigger: setting.int('BROKER_MAX_QUEUED_PER_TRIGGER', {
    default: 10_000,
    min: 1,
    description: "events waiting for one Trigger's delivery; above it the ingress answers 503",
  }),
  deliveryTimeoutMs: setting.int('DELIVERY_TIMEOUT_MS', { default: 30_000, min: 1, description: "time limit of one delivery attempt when the Trigger's delivery spec sets none" }),
  logDir: setting.custom('BROKER_LOG_DIR', logDirOf, {
    default: undefined,
    defaultText: 'none (off); `npm start`: `data/broker-log`',
    description:
      'keep accepted events in an append-only log in this folder until delivered, so a restart loses nothing answered 202 (see [docs/reliability.md](docs/reliability.md)); `off` turns it off (`BROKER_LOG_DIR=off npm start`)',
  }),
  logSegmentBytes: setting.int('BROKER_LOG_SEGMENT_BYTES', {
    default: 16 * 1024 * 1024,
    min: 1,
    defaultText: '16 MiB',
    description: "size at which the broker's log starts a new segment file",
  }),
  drainTimeoutMs: setting.int('BROKER_DRAIN_TIMEOUT_MS', { default: 10_000, min: 0, description: 'how long a stopping broker waits for deliveries in progress' }),
});

/** `off` says "no log" where a default would otherwise give one (npm start); a folder named off is `./off`. */
function logDirOf(raw: string): string | undefined {
  return raw.trim().toLowerCase() === 'off' ? undefined : raw;
}

export type BrokerSettings = SettingsOf<typeof brokerSettings>;

/** Every settings group the broker reads (the README's settings table is generated from these). */
export const SETTINGS = [serviceSettings, tracingSettings, portSettings, topologySettings, transportSettings, authSettings, brokerSettings];
