import { runService } from '@seldon-eventing/service';
import { PREDICTOR_ROUTER, Topology } from '@seldon-eventing/topology';
import { PredictorRouterModule } from './predictor-router.module';

void runService(PredictorRouterModule, {
  name: 'predictor-router',
  defaultPort: 8082,
  portEnv: 'PREDICTOR_ROUTER_PORT',
  subscribe: (app) => app.get(Topology).triggersOf(PREDICTOR_ROUTER),
});
