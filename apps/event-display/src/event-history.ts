import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { eventDisplaySettings } from './event-display.settings';

/** The most recent events received, oldest first; EVENT_DISPLAY_HISTORY of them (default 1000). */
@Injectable()
export class EventHistory {
  private readonly capacity = eventDisplaySettings.read().history;
  private readonly events: CloudEvent[] = [];

  add(event: CloudEvent): void {
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
  }

  list(): readonly CloudEvent[] {
    return this.events;
  }

  clear(): void {
    this.events.length = 0;
  }
}
