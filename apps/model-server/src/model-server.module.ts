import { INestApplicationContext, Module } from '@nestjs/common';
import type { ServiceOptions } from '@seldon-eventing/service';
import { SeldonHealthController } from './health.controller';
import { IRIS_MODEL, irisModelProvider } from './model-provider';
import { predictionRoute } from './prediction.route';

/** The embedded default predictor: the iris classifier behind Seldon protocol v1. */
@Module({
  controllers: [SeldonHealthController],
  providers: [irisModelProvider],
})
export class ModelServerModule {}

export const modelServerService: ServiceOptions = {
  name: 'model-server',
  defaultPort: 9000,
  portEnv: 'MODEL_SERVER_PORT',
  rawRoutes: (app: INestApplicationContext) => [predictionRoute(app.get(IRIS_MODEL))],
};
