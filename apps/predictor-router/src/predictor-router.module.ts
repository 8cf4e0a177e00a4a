import { Module } from '@nestjs/common';
import { EventingModule } from '@seldon-eventing/service';
import { topologyProvider } from '@seldon-eventing/topology';
import { PredictionHandler } from './prediction.handler';
import { PredictorClient } from './predictor-client';
import { PredictorTargets } from './predictor-targets';

@Module({
  imports: [EventingModule.forRoot()],
  controllers: [PredictionHandler],
  providers: [topologyProvider, PredictorClient, PredictorTargets],
})
export class PredictorRouterModule {}
