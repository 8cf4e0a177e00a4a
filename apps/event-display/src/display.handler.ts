import { Controller, Delete, Get, HttpCode, Query } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventJson, formatEvent, type CloudEvent } from '@seldon-eventing/cloudevents';
import { EventHistory } from './event-history';

/** Prints every event its Triggers deliver, and lists the recent ones at GET /events. */
@Controller()
export class DisplayHandler {
  constructor(private readonly history: EventHistory) {}

  @EventPattern('*')
  display(@Payload() event: CloudEvent): void {
    process.stdout.write(`${formatEvent(event)}\n`);
    this.history.add(event);
  }

  /** Oldest first; `?type=` and `?id=` narrow the list. */
  @Get('events')
  events(@Query('type') type?: string, @Query('id') id?: string): Record<string, unknown>[] {
    return this.history
      .list()
      .filter((e) => (type === undefined || e.type === type) && (id === undefined || e.id === id))
      .map(eventJson);
  }

  @Delete('events')
  @HttpCode(204)
  clear(): void {
    this.history.clear();
  }
}
