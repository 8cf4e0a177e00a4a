import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CloudEventsClient, createBusFromEnv, type Bus } from '@seldon-eventing/transport';
import { EVENTING_RUNTIME, loadEventingRuntime } from './eventing-runtime';
import { ServiceInfo } from './service-info';

export const BUS = Symbol('Bus');

/** The bus chosen by configuration, the user's eventing manifests, and a client to publish with. */
@Global()
@Module({})
export class EventingModule implements OnApplicationShutdown {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  static forRoot(): DynamicModule {
    return {
      module: EventingModule,
      providers: [
        { provide: EVENTING_RUNTIME, useFactory: () => loadEventingRuntime() },
        { provide: BUS, inject: [ServiceInfo], useFactory: (info: ServiceInfo) => createBusFromEnv(info.name) },
        { provide: CloudEventsClient, inject: [BUS], useFactory: (bus: Bus) => new CloudEventsClient(bus) },
      ],
      exports: [EVENTING_RUNTIME, BUS, CloudEventsClient],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
