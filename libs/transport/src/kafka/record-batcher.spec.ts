import type { TopicMessages } from 'kafkajs';
import { RecordBatcher } from './record-batcher';

/** A send that completes when told to, recording what each call carried. */
function controlledSend() {
  const calls: { batch: TopicMessages[]; finish: (err?: Error) => void }[] = [];
  const send = (batch: TopicMessages[]) =>
    new Promise<void>((resolve, reject) => calls.push({ batch, finish: (err?: Error) => (err ? reject(err) : resolve()) }));
  return { calls, send };
}

const values = (batch: TopicMessages[]) => batch.flatMap((t) => t.messages.map((m) => `${t.topic}:${String(m.value)}`));
const tick = () => new Promise((r) => setImmediate(r));

describe('RecordBatcher', () => {
  it('sends a lone record at once, and what arrives meanwhile together in the next send, in order', async () => {
    const { calls, send } = controlledSend();
    const batcher = new RecordBatcher(send, { maxRecords: 100, maxBytes: 1_000_000 });
    const first = batcher.add('a', { value: '1' });
    await tick();
    expect(calls).toHaveLength(1);
    const rest = ['2', '3', '4'].map((v, i) => batcher.add(i === 1 ? 'b' : 'a', { value: v }));
    await tick();
    expect(calls).toHaveLength(1);
    calls[0].finish();
    await first;
    await tick();
    expect(calls).toHaveLength(2);
    expect(values(calls[1].batch)).toEqual(['a:2', 'a:4', 'b:3']);
    calls[1].finish();
    await Promise.all(rest);
  });

  it('records added in one tick leave in one send', async () => {
    const { calls, send } = controlledSend();
    const batcher = new RecordBatcher(send, { maxRecords: 100, maxBytes: 1_000_000 });
    const all = Array.from({ length: 10 }, (_, i) => batcher.add('t', { value: String(i) }));
    await tick();
    expect(calls).toHaveLength(1);
    expect(values(calls[0].batch)).toHaveLength(10);
    calls[0].finish();
    await Promise.all(all);
  });

  it('splits by record count and by bytes, and sends a record above the byte limit alone', async () => {
    const { calls, send } = controlledSend();
    const batcher = new RecordBatcher(send, { maxRecords: 3, maxBytes: 10 });
    const all = ['1', '2', '3', '4', 'xxxxxxxxxxxx', '5', '6'].map((v) => batcher.add('t', { value: v }));
    for (let i = 0; i < 4; i++) {
      await tick();
      calls[i].finish();
    }
    await Promise.all(all);
    expect(calls.map((c) => values(c.batch).map((v) => v.slice(2)))).toEqual([['1', '2', '3'], ['4'], ['xxxxxxxxxxxx'], ['5', '6']]);
  });

  it('rejects every record of a failed send with its error, and goes on with the next', async () => {
    const { calls, send } = controlledSend();
    const batcher = new RecordBatcher(send, { maxRecords: 100, maxBytes: 1_000_000 });
    const failed = [batcher.add('t', { value: '1' }), batcher.add('t', { value: '2' })];
    await tick();
    const later = batcher.add('t', { value: '3' });
    calls[0].finish(new Error('broker down'));
    await Promise.all(failed.map((p) => expect(p).rejects.toThrow('broker down')));
    await tick();
    calls[1].finish();
    await expect(later).resolves.toBeUndefined();
  });
});
