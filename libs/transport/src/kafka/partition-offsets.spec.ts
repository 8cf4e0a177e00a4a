import { PartitionOffsets } from './partition-offsets';

describe('PartitionOffsets', () => {
  it('commits nothing before anything was taken', () => {
    expect(new PartitionOffsets().toCommit()).toBeUndefined();
  });

  it('commits up to the first unfinished offset, whatever finished after it', () => {
    const offsets = new PartitionOffsets();
    [10, 11, 12, 13].forEach((o) => offsets.track(o));
    offsets.finish(11);
    offsets.finish(13);
    expect(offsets.toCommit()).toBe(10);
    offsets.finish(10);
    expect(offsets.toCommit()).toBe(12);
    offsets.finish(12);
    expect(offsets.toCommit()).toBe(14);
  });

  it('never proposes an offset that does not move the committed one', () => {
    const offsets = new PartitionOffsets();
    offsets.track(5);
    offsets.finish(5);
    expect(offsets.toCommit()).toBe(6);
    offsets.committedAt(6);
    expect(offsets.toCommit()).toBeUndefined();
    offsets.track(6);
    expect(offsets.toCommit()).toBeUndefined();
    offsets.finish(6);
    expect(offsets.toCommit()).toBe(7);
  });
});
