import { planSubscriptions, runService, servedByThisService } from '@seldon-eventing/service';
import { EventDisplayModule } from './event-display.module';

void runService(EventDisplayModule, {
  name: 'event-display',
  defaultPort: 8084,
  portEnv: 'EVENT_DISPLAY_PORT',
  subscribe: (runtime) => planSubscriptions(runtime, servedByThisService('event-display')),
});
