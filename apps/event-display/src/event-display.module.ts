import { Module } from '@nestjs/common';
import { EventingModule } from '@seldon-eventing/service';
import { DisplayHandler } from './display.handler';
import { EventHistory } from './event-history';

@Module({
  imports: [EventingModule.forRoot()],
  controllers: [DisplayHandler],
  providers: [EventHistory],
})
export class EventDisplayModule {}
