import { BadRequestException, Controller, Delete, Get, Headers, HttpCode, Query, Res } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { Response } from 'express';
import { eventJson, formatEvent, type CloudEvent } from '@seldon-eventing/cloudevents';
import { EventHistory } from './event-history';
import { EventStream } from './event-stream';

/**
 * Prints every event its Triggers deliver, lists the recent ones at GET /events and streams them
 * at GET /events/stream.
 */
@Controller()
export class DisplayHandler {
  constructor(
    private readonly history: EventHistory,
    private readonly stream: EventStream,
  ) {}

  @EventPattern('*')
  display(@Payload() event: CloudEvent): void {
    process.stdout.write(`${formatEvent(event)}\n`);
    this.history.add(event);
  }

  /**
   * Oldest first; `?type=`, `?source=` and `?id=` narrow the list, `?limit=N` keeps the last N of
   * what is left, `?since=N` only the events received after the event-display sequence number N
   * (the `id:` of the stream's messages).
   */
  @Get('events')
  events(
    @Query('type') type?: string,
    @Query('source') source?: string,
    @Query('id') id?: string,
    @Query('limit') limit?: string,
    @Query('since') since?: string,
  ): Record<string, unknown>[] {
    return this.history
      .query({ type, source, id, limit: count('limit', limit), since: count('since', since) })
      .map((received) => eventJson(received.event));
  }

  /** Server-Sent Events, with the filters of GET /events; `Last-Event-ID` resumes from the history. */
  @Get('events/stream')
  follow(
    @Res() res: Response,
    @Query('type') type?: string,
    @Query('source') source?: string,
    @Query('id') id?: string,
    @Headers('last-event-id') lastEventId?: string,
  ): void {
    this.stream.follow(res, { type, source, id }, count('Last-Event-ID', lastEventId));
  }

  @Delete('events')
  @HttpCode(204)
  clear(): void {
    this.history.clear();
  }
}

/** A non-negative whole number from a query parameter or header; undefined when absent. */
function count(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new BadRequestException(`${name} must be a whole number of 0 or more, got '${raw}'`);
  return Number(raw);
}
