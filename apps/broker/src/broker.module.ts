import { BeforeApplicationShutdown, INestApplicationContext, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_BROKER, defaultBrokerProvider, portSettings, triggerCount, type ServiceOptions } from '@seldon-eventing/service';
import { Topology, TopologyModule } from '@seldon-eventing/topology';
import { brokerSettings } from './broker.settings';
import { compileRoutes } from './dispatch/routes';
import { BrokerIngress } from './ingress/broker-ingress';
import { ingressRoute } from './ingress/ingress.route';
import { EventLog } from './log/event-log';

/** The embedded Knative-compatible broker; its settings are in broker.settings.ts. */
@Module({
  imports: [TopologyModule],
  providers: [
    defaultBrokerProvider,
    {
      provide: BrokerIngress,
      inject: [Topology],
      useFactory: async (topology: Topology) => {
        const log = new Logger('Broker');
        const settings = brokerSettings.read();
        const router = settings.predictorRouterUrl ?? new URL(`http://127.0.0.1:${portSettings.read().PREDICTOR_ROUTER_PORT ?? 8082}`);
        const { byBroker: routes, notReady } = compileRoutes(topology, router);
        for (const compiled of notReady) log.warn(`trigger ${compiled.key} is not ready and is not served: ${compiled.status.reason}`);
        const options = {
          maxInFlightPerTrigger: settings.maxInFlightPerTrigger,
          maxQueuedPerTrigger: settings.maxQueuedPerTrigger,
          defaultTimeoutMs: settings.deliveryTimeoutMs,
        };
        const dir = settings.logDir;
        if (!dir) return new BrokerIngress(topology.config, routes, options, log);
        const { log: eventLog, pending } = await EventLog.open({ dir, segmentBytes: settings.logSegmentBytes });
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
    await this.ingress.drain(brokerSettings.read().drainTimeoutMs);
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
  describe: (app: INestApplicationContext) => {
    const dir = brokerSettings.read().logDir;
    return ['backend knative', triggerCount(app.get(BrokerIngress).triggerCount), dir ? `accepted events kept in ${dir} until delivered` : 'no event log'];
  },
};
