import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { createBus, transportSettings, type Bus, type TransportSettings } from '@seldon-eventing/transport';
import { ServiceInfo } from './service-info';

export const BUS = Symbol('Bus');

/** The bus chosen by configuration: services publish through it and their handlers consume from it. */
@Global()
@Module({})
export class EventingModule implements OnApplicationShutdown {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  /** `adjust`: what a service changes in the transport settings it read (its own consumer groups, say). */
  static forRoot(adjust: (settings: TransportSettings) => TransportSettings = (settings) => settings): DynamicModule {
    return {
      module: EventingModule,
      providers: [
        { provide: BUS, inject: [ServiceInfo], useFactory: (info: ServiceInfo) => createBus(info.name, adjust(transportSettings.read()), (context) => new Logger(context)) },
      ],
      exports: [BUS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
