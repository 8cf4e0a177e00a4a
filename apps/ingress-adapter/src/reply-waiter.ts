import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { isResponseEventType } from '@seldon-eventing/seldon';

/** A request waiting for its response event. */
export interface PendingReply {
  /** Resolves with the response event, or undefined when `timeoutMs` passed or `signal` aborted first. */
  readonly reply: Promise<CloudEvent | undefined>;
  /** Stops waiting (the request failed before it was published, or its client went away). */
  cancel(): void;
}

/**
 * Pairs requests with their response events: a response event's id is its request's puid
 * (Seldon's executor answers with the Seldon-Puid as Ce-Id; so do our KServe responses), so a
 * request registers its puid before it is published, and the response event that arrives with
 * that id resolves it. Several requests may wait on one puid; all get the response.
 */
@Injectable()
export class ReplyWaiter {
  private readonly waiting = new Map<string, Set<(event: CloudEvent | undefined) => void>>();

  /** Waits for the response event whose id is `puid`, for at most `timeoutMs`. */
  expect(puid: string, timeoutMs: number, signal?: AbortSignal): PendingReply {
    let settle!: (event: CloudEvent | undefined) => void;
    const reply = new Promise<CloudEvent | undefined>((resolve) => {
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      const onAbort = () => settle(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      settle = (event) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const set = this.waiting.get(puid);
        set?.delete(settle);
        if (set?.size === 0) this.waiting.delete(puid);
        resolve(event);
      };
    });
    const set = this.waiting.get(puid) ?? new Set();
    set.add(settle);
    this.waiting.set(puid, set);
    if (signal?.aborted) settle(undefined);
    return { reply, cancel: () => settle(undefined) };
  }

  /** Hands a delivered event to the requests waiting for it; whether any was. Other events are ignored. */
  deliver(event: CloudEvent): boolean {
    if (!isResponseEventType(event.type)) return false;
    const set = this.waiting.get(event.id);
    if (!set) return false;
    for (const settle of [...set]) settle(event);
    return true;
  }

  /** How many requests are waiting (for the logs at shutdown, and tests). */
  get size(): number {
    let n = 0;
    for (const set of this.waiting.values()) n += set.size;
    return n;
  }
}
