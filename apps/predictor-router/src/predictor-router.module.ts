import { Module } from '@nestjs/common';
import { EventingModule } from '@seldon-eventing/service';
import { TopologyModule } from '@seldon-eventing/topology';
import { PredictionBatcher } from './prediction-batcher';
import { PredictionHandler } from './prediction.handler';
import { PredictorClient } from './predictor-client';
import { PredictorTargets } from './predictor-targets';

@Module({
  imports: [EventingModule.forRoot(), TopologyModule],
  controllers: [PredictionHandler],
  providers: [PredictorClient, PredictorTargets, PredictionBatcher],
})
export class PredictorRouterModule {}
