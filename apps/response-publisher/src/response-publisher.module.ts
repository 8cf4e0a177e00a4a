import { Module } from '@nestjs/common';
import { EventingModule } from '@seldon-eventing/service';
import { OutcomeHandler } from './outcome.handler';

@Module({
  imports: [EventingModule.forRoot()],
  controllers: [OutcomeHandler],
})
export class ResponsePublisherModule {}
