import { causeOf, isConnectionFailure, Reachability } from './reachability';

const refused = () => Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' });

function watched(answers: boolean[]) {
  const lines: string[] = [];
  const log = { debug: () => undefined, log: (m: string) => lines.push(`log ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
  let probes = 0;
  const reachability = new Reachability({
    what: 'Kafka at 127.0.0.1:9092',
    healthyMs: 2_000,
    unhealthyMs: 1_000,
    log,
    probe: async () => {
      const ok = answers[Math.min(probes++, answers.length - 1)];
      if (!ok) throw new Error('wrapped', { cause: refused() });
    },
  });
  return { reachability, lines, probes: () => probes };
}

describe('Reachability', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('names the cause while the probe fails, and logs each change once', async () => {
    const { reachability, lines } = watched([true, false, false, false, true]);
    await reachability.start();
    expect(reachability.problem).toBeUndefined();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(reachability.problem).toBe('Kafka at 127.0.0.1:9092 unreachable: ECONNREFUSED');
    await jest.advanceTimersByTimeAsync(2_000);
    expect(reachability.problem).toBeDefined();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(reachability.problem).toBeUndefined();
    expect(lines).toEqual(['warn Kafka at 127.0.0.1:9092 unreachable: ECONNREFUSED; not ready until it answers', 'log Kafka at 127.0.0.1:9092 reachable again']);
    reachability.stop();
  });

  it('probes faster while the dependency is down, so recovery is seen within a second', async () => {
    const { reachability, probes } = watched([false]);
    await reachability.start();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(probes()).toBe(6);
    reachability.stop();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(probes()).toBe(6);
  });

  it('takes a failed connection reported by a user at once, until a probe answers', async () => {
    const { reachability } = watched([true]);
    await reachability.start();
    reachability.report(refused());
    expect(reachability.problem).toBe('Kafka at 127.0.0.1:9092 unreachable: ECONNREFUSED');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(reachability.problem).toBeUndefined();
    reachability.stop();
  });
});

describe('causeOf', () => {
  it('finds the system error code wherever a client nested it, else the innermost message', () => {
    expect(causeOf(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ENOTFOUND kafka'), { code: 'ENOTFOUND' }) }))).toBe('ENOTFOUND');
    expect(causeOf(new Error('outer', { cause: new Error('This server is not the leader') }))).toBe('This server is not the leader');
    expect(isConnectionFailure(refused())).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('not leader'), { code: 'NOT_LEADER' }))).toBe(false);
  });
});
