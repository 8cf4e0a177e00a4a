import { Module } from '@nestjs/common';
import { EventingModule } from '@seldon-eventing/service';
import { topologyProvider } from '@seldon-eventing/topology';
import { OutcomeHandler } from './outcome.handler';

@Module({
  imports: [EventingModule.forRoot()],
  controllers: [OutcomeHandler],
  providers: [topologyProvider],
})
export class ResponsePublisherModule {}
