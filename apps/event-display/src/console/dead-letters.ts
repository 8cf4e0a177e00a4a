import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { CloudEventValidationError, eventJson, parseHttp, type CloudEvent } from '@seldon-eventing/cloudevents';
import { answerNonPost, sendError, type RawRequest, type RawRoute } from '@seldon-eventing/service';

/** Where a Trigger's `delivery.deadLetterSink` points to make event-display its dead-letter sink. */
export const DEAD_LETTER_PATH = '/dead-letters';

export interface DeadLetter {
  seq: number;
  receivedAt: string;
  event: CloudEvent;
}

/** A dead letter as the console lists it: the event, and the failure it describes decoded. */
export interface DeadLetterView {
  seq: number;
  receivedAt: string;
  /** The last failure's status, as Knative wrote it (empty for a network error). */
  code?: string;
  /** What failed: the subscriber (or the reply target) the delivery went to. */
  dest?: string;
  /** `knativeerrordata` decoded from base64: the start of the failing answer's body. */
  data?: string;
  event: Record<string, unknown>;
}

/**
 * The dead letters event-display received as a Trigger's dead-letter sink (`POST /dead-letters`),
 * the latest EVENT_DISPLAY_HISTORY of them, oldest first, until re-sent.
 */
@Injectable()
export class DeadLetters {
  private readonly letters: DeadLetter[] = [];
  private lastSeq = 0;

  constructor(private readonly capacity: number) {}

  add(event: CloudEvent, now = new Date()): DeadLetter {
    const letter = { seq: ++this.lastSeq, receivedAt: now.toISOString(), event };
    this.letters.push(letter);
    if (this.letters.length > this.capacity) this.letters.splice(0, this.letters.length - this.capacity);
    return letter;
  }

  /** The dead letters numbered `seqs` (every one when undefined), oldest first. */
  pick(seqs?: readonly number[]): DeadLetter[] {
    return seqs === undefined ? [...this.letters] : this.letters.filter((letter) => seqs.includes(letter.seq));
  }

  remove(seq: number): void {
    const index = this.letters.findIndex((letter) => letter.seq === seq);
    if (index !== -1) this.letters.splice(index, 1);
  }

  list(): DeadLetterView[] {
    return this.letters.map(viewOf);
  }
}

export function viewOf({ seq, receivedAt, event }: DeadLetter): DeadLetterView {
  const { knativeerrorcode: code, knativeerrordest: dest, knativeerrordata: data } = event.extensions;
  return {
    seq,
    receivedAt,
    ...(code !== undefined ? { code } : {}),
    ...(dest !== undefined ? { dest } : {}),
    ...(data !== undefined ? { data: Buffer.from(data, 'base64').toString('utf8') } : {}),
    event: eventJson(event),
  };
}

/** `POST /dead-letters`: the dead-letter sink, taking one event per request in any content mode (202). */
export function deadLetterSinkRoute(letters: DeadLetters): RawRoute {
  return {
    serves: (path) => path === DEAD_LETTER_PATH,
    handle(request: RawRequest, res: ServerResponse) {
      if (answerNonPost(request, res)) return;
      let events: CloudEvent[];
      try {
        events = parseHttp({ headers: request.headers, body: request.body });
      } catch (err) {
        if (err instanceof CloudEventValidationError) return sendError(res, 400, err.message);
        throw err;
      }
      if (events.length !== 1) return sendError(res, 400, 'a dead letter carries exactly one event');
      letters.add(events[0]);
      res.writeHead(202, { 'content-length': 0 }).end();
    },
  };
}
