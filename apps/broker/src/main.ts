import { runService } from '@seldon-eventing/service';
import { BrokerModule } from './broker.module';

void runService(BrokerModule, { name: 'broker', defaultPort: 8080, portEnv: 'BROKER_PORT', ingress: true });
