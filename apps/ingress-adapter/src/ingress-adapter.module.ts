import { hostname } from 'node:os';
import { INestApplicationContext, Module } from '@nestjs/common';
import { DEFAULT_BROKER, defaultBrokerProvider, EventingModule, serviceName, type ServiceOptions } from '@seldon-eventing/service';
import { Topology, TopologyModule } from '@seldon-eventing/topology';
import type { TransportSettings } from '@seldon-eventing/transport';
import { FrontDoor } from './front-door';
import { ingressRoute } from './ingress.route';
import { ReplyHandler } from './reply.handler';
import { ReplyWaiter } from './reply-waiter';
import { requestReplySettings } from './ingress-adapter.settings';

/**
 * Consumer groups of this replica's own on kafka: a request waits in the replica that took it,
 * so every replica must read every response event, where replicas sharing a Trigger's group
 * would split them. The group is named after the host (the pod) and the process, and starts at
 * the latest offset like any new Trigger group (KAFKA_INITIAL_OFFSET): a replica only needs the
 * answers to its own requests.
 */
const replicaGroups = (settings: TransportSettings): TransportSettings => ({
  ...settings,
  kafkaConsumerGroupPrefix: `${settings.kafkaConsumerGroupPrefix}${hostname()}-${process.pid}-`,
});

@Module({
  imports: [EventingModule.forRoot(replicaGroups), TopologyModule],
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
