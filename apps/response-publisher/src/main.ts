import { planSubscriptions, runService, servedByThisService } from '@seldon-eventing/service';
import { ResponsePublisherModule } from './response-publisher.module';

void runService(ResponsePublisherModule, {
  name: 'response-publisher',
  defaultPort: 8083,
  portEnv: 'RESPONSE_PUBLISHER_PORT',
  subscribe: (runtime) => planSubscriptions(runtime, servedByThisService('response-publisher')),
});
