import { INestApplicationContext, Module } from '@nestjs/common';
import { DEFAULT_BROKER, defaultBrokerProvider, EventingModule, type ServiceOptions } from '@seldon-eventing/service';
import { TopologyModule } from '@seldon-eventing/topology';
import { FrontDoor } from './front-door';
import { ingressRoute } from './ingress.route';

@Module({
  imports: [EventingModule.forRoot(), TopologyModule],
  providers: [FrontDoor, defaultBrokerProvider],
})
export class IngressAdapterModule {}

export const ingressAdapterService: ServiceOptions = {
  name: 'ingress-adapter',
  defaultPort: 8081,
  portEnv: 'INGRESS_ADAPTER_PORT',
  ingress: true,
  rawRoutes: (app: INestApplicationContext) => [ingressRoute(app.get(FrontDoor), app.get(DEFAULT_BROKER))],
};
