import { keepAlive } from './keep-alive';

describe('keepAlive', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('heartbeats at the interval until stopped, whether or not a heartbeat fails', async () => {
    let beats = 0;
    const stop = keepAlive(async () => {
      beats++;
      if (beats === 2) throw new Error('The group is rebalancing');
    }, 20);
    await jest.advanceTimersByTimeAsync(100);
    expect(beats).toBe(5);
    stop();
    await jest.advanceTimersByTimeAsync(100);
    expect(beats).toBe(5);
  });
});
