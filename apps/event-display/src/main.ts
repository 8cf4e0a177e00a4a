import { BUS, runService, serviceName } from '@seldon-eventing/service';
import { Topology } from '@seldon-eventing/topology';
import { KnativeHttpBus, type Bus } from '@seldon-eventing/transport';
import { consoleEntryRoute, resendRoute, sendRoute } from './console/console-routes';
import { ConsoleSender } from './console/console-sender';
import { DeadLetters, deadLetterSinkRoute } from './console/dead-letters';
import { EventDisplayModule } from './event-display.module';

void runService(EventDisplayModule, {
  name: 'event-display',
  defaultPort: 8084,
  portEnv: 'EVENT_DISPLAY_PORT',
  subscribe: (app) => app.get(Topology).triggersOf(serviceName('event-display')),
  rawRoutes: (app) => {
    const bus = app.get<Bus>(BUS);
    const topology = app.get(Topology);
    const sender = app.get(ConsoleSender);
    const letters = app.get(DeadLetters);
    const deployment = (ref: string) => {
      const [namespace, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
      return topology.deployment({ namespace, deployment: name });
    };
    return [
      // On knative, deliveries come to `/` too: the entry route hands them on to the bus's receiver.
      consoleEntryRoute(bus instanceof KnativeHttpBus ? bus.receiver.handle : undefined),
      deadLetterSinkRoute(letters),
      sendRoute(deployment, sender),
      resendRoute(letters, sender),
    ];
  },
});
