import { runService, serviceName } from '@seldon-eventing/service';
import { Topology } from '@seldon-eventing/topology';
import { EventDisplayModule } from './event-display.module';

void runService(EventDisplayModule, {
  name: 'event-display',
  defaultPort: 8084,
  portEnv: 'EVENT_DISPLAY_PORT',
  subscribe: (app) => app.get(Topology).triggersOf(serviceName('event-display')),
});
