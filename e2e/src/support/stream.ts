import { randomUUID } from 'node:crypto';
import { post, SEED_PAYLOAD, seedHeaders } from './flow';

/** A stream of seed request events being sent, one after another, while a test breaks things. */
export interface EventStream {
  /** The Seldon-Puid of every event sent, in order: the id of its response event. */
  readonly sent: string[];
  readonly accepted: Set<string>;
  /** Events not answered 202: the status (0 when the request itself failed) and the reason given. */
  readonly refused: { puid: string; status: number; error?: string }[];
  /** Resolves once the last event has been answered. */
  readonly done: Promise<void>;
}

export interface StreamOptions {
  /** How many events at most. */
  count: number;
  /** Stops early once this holds of the stream so far (checked before each event). */
  until?: (progress: Omit<EventStream, 'done'>) => boolean;
  /** Request event type; the seed's by default. */
  type?: string;
  /** Pause between events, so that a fault lands mid-stream. */
  paceMs?: number;
  /** Extra headers for the i-th event. */
  headers?: (i: number) => Record<string, string>;
}

export function sendStream(url: string, { count, until, type, paceMs = 10, headers }: StreamOptions): EventStream {
  const stream = { sent: [] as string[], accepted: new Set<string>(), refused: [] as EventStream['refused'] };
  const done = (async () => {
    for (let i = 0; i < count && !until?.(stream); i++) {
      const puid = randomUUID();
      stream.sent.push(puid);
      const extra: Record<string, string> = { 'Ce-Seldonpuid': puid, ...headers?.(i) };
      if (type) extra['Ce-Type'] = type;
      try {
        const answer = await post(url, seedHeaders(extra), SEED_PAYLOAD);
        if (answer.status === 202) stream.accepted.add(puid);
        else stream.refused.push({ puid, status: answer.status, error: answer.json?.error });
      } catch (err) {
        stream.refused.push({ puid, status: 0, error: (err as Error).message });
      }
      if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
    }
  })();
  return { ...stream, done };
}
