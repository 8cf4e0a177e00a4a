import { Module } from '@nestjs/common';
import { EventingModule } from '@seldon-eventing/service';
import { TopologyModule } from '@seldon-eventing/topology';
import { DisplayHandler } from './display.handler';
import { EventHistory } from './event-history';

@Module({
  imports: [EventingModule.forRoot(), TopologyModule],
  controllers: [DisplayHandler],
  providers: [EventHistory],
})
export class EventDisplayModule {}
