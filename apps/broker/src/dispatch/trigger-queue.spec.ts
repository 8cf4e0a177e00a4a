import { TriggerQueue } from './trigger-queue';

/** A delivery the test finishes by hand, so it decides what is in flight at each step. */
class ManualDeliveries {
  readonly started: number[] = [];
  private readonly finishers = new Map<number, () => void>();

  readonly deliver = (job: number): Promise<void> => {
    this.started.push(job);
    return new Promise<void>((resolve) => this.finishers.set(job, resolve));
  };

  async finish(job: number): Promise<void> {
    const finisher = this.finishers.get(job);
    if (!finisher) throw new Error(`job ${job} was never started`);
    this.finishers.delete(job);
    finisher();
    // Lets the queue's `finally` run and start the next job.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('TriggerQueue', () => {
  it('runs at most maxInFlight deliveries at once, starting the next as one ends', async () => {
    const deliveries = new ManualDeliveries();
    const queue = new TriggerQueue(2, 10, deliveries.deliver);
    [1, 2, 3, 4].forEach((job) => queue.push(job));

    expect(deliveries.started).toEqual([1, 2]);
    expect(queue.depth).toBe(4);
    await deliveries.finish(2);
    expect(deliveries.started).toEqual([1, 2, 3]);
    expect(queue.depth).toBe(3);
  });

  it('starts jobs in the order they were pushed', async () => {
    const deliveries = new ManualDeliveries();
    const queue = new TriggerQueue(1, 10, deliveries.deliver);
    [5, 3, 9, 1].forEach((job) => queue.push(job));
    for (const job of [5, 3, 9]) await deliveries.finish(job);
    expect(deliveries.started).toEqual([5, 3, 9, 1]);
  });

  it('has room until maxQueued jobs wait, jobs in flight not counted', async () => {
    const deliveries = new ManualDeliveries();
    const queue = new TriggerQueue(1, 2, deliveries.deliver);
    queue.push(1);
    queue.push(2);
    expect(queue.hasRoom()).toBe(true);
    queue.push(3);
    expect(queue.hasRoom()).toBe(false);
    await deliveries.finish(1);
    expect(queue.hasRoom()).toBe(true);
  });

  it('resolves drained() at once when idle, and only once the last job ended otherwise', async () => {
    const deliveries = new ManualDeliveries();
    const queue = new TriggerQueue(1, 10, deliveries.deliver);
    await expect(queue.drained()).resolves.toBeUndefined();

    queue.push(1);
    queue.push(2);
    let drained = false;
    const first = queue.drained().then(() => (drained = true));
    const second = queue.drained();
    await deliveries.finish(1);
    expect(drained).toBe(false);
    await deliveries.finish(2);
    await Promise.all([first, second]);
    expect(drained).toBe(true);
    expect(queue.depth).toBe(0);
  });
});
