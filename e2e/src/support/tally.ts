import { waitFor } from './wait';

/**
 * What became of a stream of events in a fault test, in the line every such test prints:
 * `<scenario>: sent N, accepted A, delivered D, duplicated X, lost L`.
 */
export interface Tally {
  scenario: string;
  sent: number;
  /** Answered 202. */
  accepted: number;
  /** Distinct sent events seen at the far end. */
  delivered: number;
  /** Extra copies seen: at-least-once delivery redelivers what a crash left unacknowledged. */
  duplicated: number;
  /** Accepted events never seen. */
  lost: number;
}

/** Counts `seen` (ids observed at the far end, repeats included) against what was sent and accepted. */
export function countDeliveries(scenario: string, sent: readonly string[], accepted: ReadonlySet<string>, seen: readonly string[]): Tally {
  const wanted = new Set(sent);
  const copies = new Map<string, number>();
  for (const id of seen) if (wanted.has(id)) copies.set(id, (copies.get(id) ?? 0) + 1);
  let duplicated = 0;
  for (const n of copies.values()) duplicated += n - 1;
  let lost = 0;
  for (const id of accepted) if (!copies.has(id)) lost++;
  return { scenario, sent: sent.length, accepted: accepted.size, delivered: copies.size, duplicated, lost };
}

export function formatTally(t: Tally): string {
  return `${t.scenario}: sent ${t.sent}, accepted ${t.accepted}, delivered ${t.delivered}, duplicated ${t.duplicated}, lost ${t.lost}`;
}

/**
 * Polls `seen` until every accepted event has been seen or `timeoutMs` passed, then prints the
 * tally line (also when events are missing, so a failing run still shows its figures), and
 * `explain()` (e.g. the services' warnings) when some are missing or came twice.
 */
export async function awaitDeliveries(
  scenario: string,
  sent: readonly string[],
  accepted: ReadonlySet<string>,
  seen: () => Promise<readonly string[]> | readonly string[],
  timeoutMs = 30_000,
  explain?: () => string,
): Promise<Tally> {
  let tally = countDeliveries(scenario, sent, accepted, await seen());
  const allSeen = async () => {
    tally = countDeliveries(scenario, sent, accepted, await seen());
    return tally.lost === 0;
  };
  // A timeout is not the failure here: the caller asserts on the tally, printed either way.
  await waitFor(allSeen, { what: `every accepted event of ${scenario}`, timeoutMs, intervalMs: 100 }).catch(() => undefined);
  process.stdout.write(`${formatTally(tally)}\n`);
  if (explain && (tally.lost > 0 || tally.duplicated > 0)) process.stdout.write(`${explain()}\n`);
  return tally;
}
