import { runService } from '@seldon-eventing/service';
import { ModelServerModule } from './model-server.module';

void runService(ModelServerModule, { name: 'model-server', defaultPort: 9000, portEnv: 'MODEL_SERVER_PORT' });
