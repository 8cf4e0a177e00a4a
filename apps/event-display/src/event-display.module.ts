import { Module } from '@nestjs/common';
import { BUS, EventingModule, portSettings, serviceSettings } from '@seldon-eventing/service';
import { Topology, TopologyModule } from '@seldon-eventing/topology';
import { transportSettings, type Bus } from '@seldon-eventing/transport';
import { ConsoleController } from './console/console.controller';
import { flowServices, serviceUrl } from './console/console-services';
import { consoleSettings } from './console/console.settings';
import { ConsoleSender } from './console/console-sender';
import { DeadLetters } from './console/dead-letters';
import { TriggerFlow } from './console/trigger-flow';
import { DisplayHandler } from './display.handler';
import { eventDisplaySettings } from './event-display.settings';
import { EventHistory } from './event-history';
import { EventStream } from './event-stream';

@Module({
  imports: [EventingModule.forRoot(), TopologyModule],
  controllers: [DisplayHandler, ConsoleController],
  providers: [
    { provide: EventHistory, useFactory: () => new EventHistory(eventDisplaySettings.read().history) },
    { provide: EventStream, inject: [EventHistory], useFactory: (history: EventHistory) => new EventStream(history) },
    { provide: DeadLetters, useFactory: () => new DeadLetters(eventDisplaySettings.read().history) },
    {
      provide: TriggerFlow,
      inject: [Topology],
      useFactory: (topology: Topology) => {
        const { backend } = transportSettings.read();
        const { services, flowTimeoutMs } = consoleSettings.read();
        const urls = flowServices(backend, services, portSettings.read(), serviceSettings.read().port);
        return new TriggerFlow({ backend, triggers: () => topology.describe(), services: urls, timeoutMs: flowTimeoutMs });
      },
    },
    {
      provide: ConsoleSender,
      inject: [BUS],
      useFactory: (bus: Bus) => {
        // The ingress-adapter takes the token every ingress of this installation takes (INGRESS_AUTH_TOKEN).
        const ingress = serviceUrl('ingress-adapter', consoleSettings.read().services, portSettings.read());
        return new ConsoleSender(bus, ingress, transportSettings.read().sharedToken);
      },
    },
  ],
})
export class EventDisplayModule {}
