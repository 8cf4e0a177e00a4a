import { BeforeApplicationShutdown, INestApplicationContext, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_BROKER, defaultBrokerProvider, envInt, envString, type ServiceOptions } from '@seldon-eventing/service';
import { Topology, topologyOptionsFromEnv } from '@seldon-eventing/topology';
import { compileRoutes } from './dispatch/routes';
import { BrokerIngress } from './ingress/broker-ingress';
import { ingressRoute } from './ingress/ingress.route';
import { EventLog } from './log/event-log';

const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

/**
 * The embedded Knative-compatible broker. Settings: PREDICTOR_ROUTER_URL (where predictor
 * Triggers are delivered), BROKER_MAX_IN_FLIGHT_PER_TRIGGER, BROKER_MAX_QUEUED_PER_TRIGGER,
 * DELIVERY_TIMEOUT_MS (per attempt, when the delivery spec sets none), BROKER_LOG_DIR (keeps
 * accepted events on disk until delivered; off when unset), BROKER_LOG_SEGMENT_BYTES,
 * BROKER_DRAIN_TIMEOUT_MS (how long a stop waits for deliveries).
 */
@Module({
  providers: [
    { provide: Topology, useFactory: () => Topology.load(topologyOptionsFromEnv(), new Logger('Topology')) },
    defaultBrokerProvider,
    {
      provide: BrokerIngress,
      inject: [Topology],
      useFactory: async (topology: Topology) => {
        const log = new Logger('Broker');
        const router = new URL(envString('PREDICTOR_ROUTER_URL', `http://127.0.0.1:${envInt('PREDICTOR_ROUTER_PORT', 8082)}`));
        const { byBroker: routes, notReady } = compileRoutes(topology, router);
        for (const compiled of notReady) log.warn(`trigger ${compiled.key} is not ready and is not served: ${compiled.status.reason}`);
        const options = {
          maxInFlightPerTrigger: envInt('BROKER_MAX_IN_FLIGHT_PER_TRIGGER', 100),
          maxQueuedPerTrigger: envInt('BROKER_MAX_QUEUED_PER_TRIGGER', 10_000),
          defaultTimeoutMs: envInt('DELIVERY_TIMEOUT_MS', 30_000),
        };
        const dir = envString('BROKER_LOG_DIR', '');
        if (!dir) return new BrokerIngress(topology.config, routes, options, log);
        const { log: eventLog, pending } = await EventLog.open({ dir, segmentBytes: envInt('BROKER_LOG_SEGMENT_BYTES', DEFAULT_SEGMENT_BYTES) });
        log.log(`accepted events are kept in ${dir} until delivered`);
        const ingress = new BrokerIngress(topology.config, routes, options, log, eventLog);
        ingress.replay(pending);
        return ingress;
      },
    },
  ],
})
export class BrokerModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(private readonly ingress: BrokerIngress) {}

  /** Intake already answers 503 (the service shell's gate); deliveries get a bounded time to finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.ingress.drain(envInt('BROKER_DRAIN_TIMEOUT_MS', 10_000));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ingress.close();
  }
}

export const brokerService: ServiceOptions = {
  name: 'broker',
  defaultPort: 8080,
  portEnv: 'BROKER_PORT',
  ingress: true,
  rawRoutes: (app: INestApplicationContext) => [ingressRoute(app.get(BrokerIngress), app.get(DEFAULT_BROKER))],
};
