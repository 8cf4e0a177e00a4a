import { Module } from '@nestjs/common';
import { EventingModule } from '@seldon-eventing/service';
import { topologyProvider } from '@seldon-eventing/topology';
import { DisplayHandler } from './display.handler';
import { EventHistory } from './event-history';

@Module({
  imports: [EventingModule.forRoot()],
  controllers: [DisplayHandler],
  providers: [topologyProvider, EventHistory],
})
export class EventDisplayModule {}
