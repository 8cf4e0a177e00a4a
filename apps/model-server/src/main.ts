import { runService } from '@seldon-eventing/service';
import { ModelServerModule, modelServerService } from './model-server.module';

void runService(ModelServerModule, modelServerService);
