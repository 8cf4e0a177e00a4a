import { Module } from '@nestjs/common';
import { SeldonHealthController } from './health.controller';
import { irisModelProvider } from './model-provider';
import { PredictionController } from './prediction.controller';

/** The embedded default predictor: the iris classifier behind Seldon protocol v1. */
@Module({
  controllers: [PredictionController, SeldonHealthController],
  providers: [irisModelProvider],
})
export class ModelServerModule {}
