import { Module } from '@nestjs/common';
import { EventingModule } from '@seldon-eventing/service';
import { TopologyModule } from '@seldon-eventing/topology';
import { OutcomeHandler } from './outcome.handler';

@Module({
  imports: [EventingModule.forRoot(), TopologyModule],
  controllers: [OutcomeHandler],
})
export class ResponsePublisherModule {}
