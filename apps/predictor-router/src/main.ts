import { planSubscriptions, predictorTriggers, runService } from '@seldon-eventing/service';
import { PredictorRouterModule } from './predictor-router.module';

void runService(PredictorRouterModule, {
  name: 'predictor-router',
  defaultPort: 8082,
  portEnv: 'PREDICTOR_ROUTER_PORT',
  subscribe: (runtime) => planSubscriptions(runtime, predictorTriggers),
});
