import { hostname } from 'node:os';
import { INestApplicationContext, Logger, Module, type DynamicModule } from '@nestjs/common';
import { BUS, DEFAULT_BROKER, defaultBrokerProvider, EventingModule, serviceName, ServiceInfo, type ServiceOptions } from '@seldon-eventing/service';
import { Topology, TopologyModule } from '@seldon-eventing/topology';
import { createBus, transportSettings } from '@seldon-eventing/transport';
import { FrontDoor } from './front-door';
import { ingressRoute } from './ingress.route';
import { ReplyHandler } from './reply.handler';
import { ReplyWaiter } from './reply-waiter';
import { requestReplySettings } from './ingress-adapter.settings';

/**
 * The bus, as EventingModule.forRoot() makes it, but with consumer groups of this replica's own
 * on kafka: a request waits in the replica that took it, so every replica must read every
 * response event, where replicas sharing a Trigger's group would split them. The group is named
 * after the host (the pod) and the process, and starts at the latest offset like any new
 * Trigger group (KAFKA_INITIAL_OFFSET): a replica only needs the answers to its own requests.
 */
function replicaEventingModule(): DynamicModule {
  return {
    module: EventingModule,
    providers: [
      {
        provide: BUS,
        inject: [ServiceInfo],
        useFactory: (info: ServiceInfo) => {
          const settings = transportSettings.read();
          const kafkaConsumerGroupPrefix = `${settings.kafkaConsumerGroupPrefix}${hostname()}-${process.pid}-`;
          return createBus(info.name, { ...settings, kafkaConsumerGroupPrefix }, (context) => new Logger(context));
        },
      },
    ],
    exports: [BUS],
  };
}

@Module({
  imports: [replicaEventingModule(), TopologyModule],
  controllers: [ReplyHandler],
  providers: [FrontDoor, ReplyWaiter, defaultBrokerProvider],
})
export class IngressAdapterModule {}

export const ingressAdapterService: ServiceOptions = {
  name: 'ingress-adapter',
  defaultPort: 8081,
  portEnv: 'INGRESS_ADAPTER_PORT',
  ingress: true,
  // The response events, for requests that wait for their answer (`Prefer: wait`).
  subscribe: (app) => app.get(Topology).triggersOf(serviceName('ingress-adapter')),
  rawRoutes: (app: INestApplicationContext) => {
    // Request/reply is on when a Trigger brings response events here (`ingress-adapter-replies`
    // in config/manifests): a deployment that leaves it out pays no delivery per response.
    const replying = app.get(Topology).triggersOf(serviceName('ingress-adapter')).length > 0;
    return [ingressRoute(app.get(FrontDoor), app.get(DEFAULT_BROKER), app.get(ReplyWaiter), replying ? requestReplySettings.read().maxWaitSeconds : undefined)];
  },
};
