import { runService, serviceName } from '@seldon-eventing/service';
import { Topology } from '@seldon-eventing/topology';
import { ResponsePublisherModule } from './response-publisher.module';

void runService(ResponsePublisherModule, {
  name: 'response-publisher',
  defaultPort: 8083,
  portEnv: 'RESPONSE_PUBLISHER_PORT',
  subscribe: (app) => app.get(Topology).triggersOf(serviceName('response-publisher')),
});
