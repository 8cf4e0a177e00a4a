import { OffsetManager } from './offset-manager';

const silent = { debug: () => undefined, log: () => undefined, warn: () => undefined, error: () => undefined };

function manager(refuse = false) {
  const commits: { partition: number; offset: string }[][] = [];
  const offsets = new OffsetManager(async (o) => {
    if (refuse) throw new Error('rebalance in progress');
    commits.push(o);
  }, silent);
  return { offsets, commits };
}

describe('OffsetManager', () => {
  it('commits only past records finished, whatever order they finish in', async () => {
    const { offsets, commits } = manager();
    const finish = [10, 11, 12].map((o) => offsets.track(0, o));
    finish[2]();
    finish[1]();
    await offsets.commit();
    expect(commits).toEqual([[{ partition: 0, offset: '10' }]]);
    finish[0]();
    await offsets.commit();
    expect(commits.at(-1)).toEqual([{ partition: 0, offset: '13' }]);
  });

  it('commits past records passed over (filtered out) once those taken before them are finished', async () => {
    const { offsets, commits } = manager();
    const finish = offsets.track(0, 20);
    offsets.pass(0, 21);
    offsets.pass(0, 22);
    await offsets.commit();
    expect(commits).toEqual([[{ partition: 0, offset: '20' }]]);
    finish();
    await offsets.commit();
    expect(commits.at(-1)).toEqual([{ partition: 0, offset: '23' }]);
  });

  it('commits each partition on its own, and nothing when nothing moved', async () => {
    const { offsets, commits } = manager();
    offsets.track(0, 5)();
    offsets.track(3, 40)();
    await offsets.commit();
    await offsets.commit();
    expect(commits).toEqual([[{ partition: 0, offset: '6' }, { partition: 3, offset: '41' }]]);
  });

  it('commits on a timer and once more on stop', async () => {
    jest.useFakeTimers();
    try {
      const { offsets, commits } = manager();
      offsets.start(200);
      offsets.track(0, 1)();
      await jest.advanceTimersByTimeAsync(200);
      expect(commits).toEqual([[{ partition: 0, offset: '2' }]]);
      offsets.track(0, 2)();
      await offsets.stop();
      expect(commits.at(-1)).toEqual([{ partition: 0, offset: '3' }]);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(commits).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('tries again after a refused commit', async () => {
    const refused = manager(true);
    refused.offsets.track(0, 1)();
    await expect(refused.offsets.commit()).resolves.toBeUndefined();
  });

  it('commits when a rebalance starts, and each record that finishes until the new assignment', async () => {
    const { offsets, commits } = manager();
    offsets.track(0, 1)();
    const inFlight = offsets.track(0, 2);
    offsets.rebalance();
    await Promise.resolve();
    expect(commits).toEqual([[{ partition: 0, offset: '2' }]]);
    inFlight();
    await Promise.resolve();
    expect(commits.at(-1)).toEqual([{ partition: 0, offset: '3' }]);
    offsets.assign([0]);
    offsets.track(0, 3)();
    await Promise.resolve();
    expect(commits).toHaveLength(2);
  });

  it('keeps the partitions it is assigned again, to resume after their last taken record, and drops the others', async () => {
    const { offsets, commits } = manager();
    offsets.track(0, 7)();
    const stillRunning = offsets.track(0, 8);
    const givenUp = offsets.track(1, 40);
    expect([...offsets.assign([0, 2])]).toEqual([[0, 9]]);
    givenUp();
    stillRunning();
    await offsets.commit();
    expect(commits).toEqual([[{ partition: 0, offset: '9' }]]);
  });
});
