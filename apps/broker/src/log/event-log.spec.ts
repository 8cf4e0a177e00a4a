import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, type CloudEvent } from '@seldon-eventing/cloudevents';
import { EventLog, type LogEntry } from './event-log';
import { segmentName } from './segment-log';

const TRIGGERS = ['default/display', 'default/router'];

function event(n: number, size = 100): CloudEvent {
  return createEvent({
    id: `event-${n}`,
    source: 'test',
    type: 'seldon.iris-deployment.default.request',
    extensions: { knativearrivaltime: new Date(1_800_000_000_000 + n).toISOString() },
    data: Buffer.alloc(size, n),
  });
}

describe('the broker event log, on real files', () => {
  let dir: string;
  const opened: EventLog[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'event-log-'))));
  afterEach(async () => {
    // Logs a test "crashed" are closed only now, so that they do not write behind its back.
    await Promise.all(opened.splice(0).map((log) => log.close().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (segmentBytes = 1024 * 1024) => {
    const result = await EventLog.open({ dir, segmentBytes });
    opened.push(result.log);
    return result;
  };
  const segments = () => readdirSync(dir).sort();
  const ids = (pending: { event: CloudEvent }[]) => pending.map((p) => p.event.id);

  it('replays after a restart exactly the deliveries not acknowledged, with the events as accepted', async () => {
    const { log } = await open();
    const entries: LogEntry[] = [];
    for (let n = 1; n <= 3; n++) entries.push(await log.append('default/default', event(n), TRIGGERS));
    log.complete(entries[0], 0);
    log.complete(entries[0], 1);
    log.complete(entries[1], 0);
    await log.append('default/default', event(4), ['default/display']); // flushes the acks before it
    // A crash: the process dies without closing the log.
    const { pending } = await open();
    expect(pending.map((p) => [p.event.id, p.pending])).toEqual([
      ['event-2', [1]],
      ['event-3', [0, 1]],
      ['event-4', [0]],
    ]);
    expect(pending[0]).toMatchObject({ broker: 'default/default', triggers: TRIGGERS, event: event(2) });
  });

  it('keeps numbering after a restart, so acknowledgements never hit a newer event', async () => {
    const first = await open();
    const a = await first.log.append('default/default', event(1), TRIGGERS);
    const second = await open();
    const b = await second.log.append('default/default', event(2), TRIGGERS);
    expect(b.seq).toBeGreaterThan(a.seq);
    second.log.complete(second.pending[0], 0);
    second.log.complete(second.pending[0], 1);
    await second.log.close();
    const { pending } = await open();
    expect(ids(pending)).toEqual(['event-2']);
  });

  it('ignores a record cut short at the end of a segment, and keeps the ones before it', async () => {
    const { log } = await open();
    await log.append('default/default', event(1), TRIGGERS);
    await log.append('default/default', event(2), TRIGGERS);
    const file = join(dir, segments()[0]);
    truncateSync(file, statSync(file).size - 7);
    const { pending } = await open();
    expect(ids(pending)).toEqual(['event-1']);
  });

  it('skips a corrupt record and replays the intact ones after it', async () => {
    const { log } = await open();
    await log.append('default/default', event(1), TRIGGERS);
    await log.append('default/default', event(2), TRIGGERS);
    const file = join(dir, segments()[0]);
    const bytes = readFileSync(file);
    bytes[60] ^= 0xff; // inside the first record
    writeFileSync(file, bytes);
    const { pending } = await open();
    expect(ids(pending)).toEqual(['event-2']);
  });

  it('leaves files that are not its segments alone, and drops empty ones a crash left', async () => {
    writeFileSync(join(dir, segmentName(1)), 'not a segment at all');
    writeFileSync(join(dir, segmentName(2)), '');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const { log, pending } = await open();
    expect(pending).toEqual([]);
    await log.close();
    expect(segments()).toEqual([segmentName(1), 'notes.txt']);
  });

  it('deletes segments once nothing in them matters, without bringing acknowledged events back', async () => {
    const { log } = await open(1500);
    const entries: LogEntry[] = [];
    for (let n = 1; n <= 12; n++) entries.push(await log.append('default/default', event(n, 400), TRIGGERS));
    const written = segments();
    expect(written.length).toBeGreaterThan(4);
    const [oldest, ...rest] = entries;
    for (const entry of rest) for (const t of [0, 1]) log.complete(entry, t);
    await log.close();
    // The oldest segment still holds an outstanding event, and the newest the acknowledgements of
    // its neighbour; everything between is gone.
    const kept = segments();
    expect(kept[0]).toBe(segmentName(oldest.segment));
    expect(kept.length).toBeLessThanOrEqual(3);
    expect(written.filter((f) => !kept.includes(f)).length).toBeGreaterThanOrEqual(written.length - 3);

    const again = await open(1500);
    expect(ids(again.pending)).toEqual(['event-1']);
    again.log.complete(again.pending[0], 0);
    again.log.complete(again.pending[0], 1);
    await again.log.close();
    expect(segments()).toEqual([]);
  });

  it('writes concurrent appends together, with far fewer syncs than records', async () => {
    const { log } = await open();
    await Promise.all(Array.from({ length: 200 }, (_, n) => log.append('default/default', event(n), TRIGGERS)));
    const { pending } = await open();
    expect(pending).toHaveLength(200);
    expect(log.stats.syncs).toBeLessThan(20);
  });
});
