import { keepAlive } from './keep-alive';

describe('keepAlive', () => {
  it('heartbeats at the interval until stopped, whether or not a heartbeat fails', async () => {
    let beats = 0;
    const stop = keepAlive(async () => {
      beats++;
      if (beats === 2) throw new Error('The group is rebalancing');
    }, 20);
    await new Promise((r) => setTimeout(r, 110));
    stop();
    const atStop = beats;
    expect(atStop).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(beats).toBe(atStop);
  });
});
