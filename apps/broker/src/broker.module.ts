import { INestApplicationContext, Module, OnApplicationShutdown } from '@nestjs/common';
import {
  DEFAULT_BROKER,
  defaultBrokerProvider,
  envInt,
  envString,
  EVENTING_RUNTIME,
  loadEventingRuntime,
  type EventingRuntime,
  type ServiceOptions,
} from '@seldon-eventing/service';
import { compileRoutes } from './dispatch/routes';
import { BrokerIngress } from './ingress/broker-ingress';
import { ingressRoute } from './ingress/ingress.route';

/**
 * The embedded Knative-compatible broker. Settings: PREDICTOR_ROUTER_URL (where predictor
 * Triggers are delivered), BROKER_MAX_IN_FLIGHT_PER_TRIGGER, BROKER_MAX_QUEUED_PER_TRIGGER,
 * DELIVERY_TIMEOUT_MS (per attempt, when the delivery spec sets none).
 */
@Module({
  providers: [
    { provide: EVENTING_RUNTIME, useFactory: () => loadEventingRuntime() },
    defaultBrokerProvider,
    {
      provide: BrokerIngress,
      inject: [EVENTING_RUNTIME],
      useFactory: (runtime: EventingRuntime) => {
        const router = new URL(envString('PREDICTOR_ROUTER_URL', `http://127.0.0.1:${envInt('PREDICTOR_ROUTER_PORT', 8082)}`));
        return new BrokerIngress(runtime.config, compileRoutes(runtime, router), {
          maxInFlightPerTrigger: envInt('BROKER_MAX_IN_FLIGHT_PER_TRIGGER', 100),
          maxQueuedPerTrigger: envInt('BROKER_MAX_QUEUED_PER_TRIGGER', 10_000),
          defaultTimeoutMs: envInt('DELIVERY_TIMEOUT_MS', 30_000),
        });
      },
    },
  ],
})
export class BrokerModule implements OnApplicationShutdown {
  constructor(private readonly ingress: BrokerIngress) {}

  async onApplicationShutdown(): Promise<void> {
    await this.ingress.drain();
  }
}

export const brokerService: ServiceOptions = {
  name: 'broker',
  defaultPort: 8080,
  portEnv: 'BROKER_PORT',
  rawRoutes: (app: INestApplicationContext) => [ingressRoute(app.get(BrokerIngress), app.get(DEFAULT_BROKER))],
};
