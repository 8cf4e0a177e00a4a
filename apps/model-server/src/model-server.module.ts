import { INestApplicationContext, Module } from '@nestjs/common';
import type { ServiceOptions } from '@seldon-eventing/service';
import { countedRoute } from './counted-route';
import { SeldonHealthController } from './health.controller';
import { IRIS_MODEL, irisModelProvider, MODEL_NAME, modelNameProvider } from './model-provider';
import { predictionRoute } from './prediction.route';
import { tensorflowRoute } from './tensorflow.route';
import { V2Controller } from './v2.controller';
import { v2InferRoute } from './v2.route';

/**
 * The embedded default predictor: the iris classifier behind the three protocols a
 * SeldonDeployment speaks: Seldon v1, TensorFlow Serving REST and the Open Inference Protocol (V2).
 */
@Module({
  controllers: [SeldonHealthController, V2Controller],
  providers: [irisModelProvider, modelNameProvider],
})
export class ModelServerModule {}

export const modelServerService: ServiceOptions = {
  name: 'model-server',
  defaultPort: 9000,
  portEnv: 'MODEL_SERVER_PORT',
  rawRoutes: (app: INestApplicationContext) => [
    countedRoute('seldon', predictionRoute(app.get(IRIS_MODEL))),
    countedRoute('tensorflow', tensorflowRoute(app.get(IRIS_MODEL), app.get(MODEL_NAME))),
    countedRoute('v2', v2InferRoute(app.get(IRIS_MODEL), app.get(MODEL_NAME))),
  ],
};
