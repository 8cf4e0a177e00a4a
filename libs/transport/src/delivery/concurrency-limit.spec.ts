import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('never hands out more slots than the limit, serves every waiter, in arrival order', async () => {
    const limit = new ConcurrencyLimit(3);
    let held = 0;
    let peak = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const release = await limit.acquire();
        started.push(i);
        peak = Math.max(peak, ++held);
        await new Promise((r) => setTimeout(r, 1 + (i % 3)));
        held--;
        release();
      }),
    );
    expect(peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees a slot once however often its release is called', async () => {
    const limit = new ConcurrencyLimit(1);
    const release = await limit.acquire();
    release();
    release();
    const first = await limit.acquire();
    let second = false;
    void limit.acquire().then(() => (second = true));
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false);
    first();
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(true);
  });
});
