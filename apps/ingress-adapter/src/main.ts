import { runService } from '@seldon-eventing/service';
import { IngressAdapterModule } from './ingress-adapter.module';

void runService(IngressAdapterModule, { name: 'ingress-adapter', defaultPort: 8081, portEnv: 'INGRESS_ADAPTER_PORT', ingress: true });
