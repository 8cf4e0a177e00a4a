import { InFlightLimit } from './in-flight-limit';

/** Acquires in order and reports which records were admitted so far. */
function harness(limits: { records: number; bytes: number }) {
  const limit = new InFlightLimit(limits);
  const admitted: string[] = [];
  const releases = new Map<string, () => void>();
  const add = (name: string, size: number) =>
    void limit.acquire(size).then((release) => {
      admitted.push(name);
      releases.set(name, release);
    });
  const release = async (name: string) => {
    releases.get(name)?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { add, release, admitted, settle: () => new Promise((resolve) => setImmediate(resolve)) };
}

describe('InFlightLimit', () => {
  it('admits records up to the count, the next as one is released', async () => {
    const { add, release, admitted, settle } = harness({ records: 2, bytes: 1_000 });
    ['a', 'b', 'c'].forEach((name) => add(name, 10));
    await settle();
    expect(admitted).toEqual(['a', 'b']);
    await release('a');
    expect(admitted).toEqual(['a', 'b', 'c']);
  });

  it('admits records up to the byte budget, and one larger than the whole budget alone', async () => {
    const { add, release, admitted, settle } = harness({ records: 100, bytes: 1_000 });
    add('a', 600);
    add('b', 600);
    add('huge', 5_000);
    await settle();
    expect(admitted).toEqual(['a']);
    await release('a');
    expect(admitted).toEqual(['a', 'b']);
    await release('b');
    expect(admitted).toEqual(['a', 'b', 'huge']);
  });

  it('keeps arrival order: a small record does not overtake a large one waiting', async () => {
    const { add, release, admitted, settle } = harness({ records: 100, bytes: 1_000 });
    add('a', 900);
    add('large', 500);
    add('small', 50);
    await settle();
    expect(admitted).toEqual(['a']);
    await release('a');
    expect(admitted).toEqual(['a', 'large', 'small']);
  });

  it('frees a place once, however often its release is called', async () => {
    const { add, release, admitted, settle } = harness({ records: 1, bytes: 1_000 });
    ['a', 'b', 'c'].forEach((name) => add(name, 1));
    await settle();
    await release('a');
    await release('a');
    expect(admitted).toEqual(['a', 'b']);
  });
});
