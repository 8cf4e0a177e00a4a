import { createEvent } from '@seldon-eventing/cloudevents';
import { preferredWait } from './prefer-wait';
import { ReplyWaiter } from './reply-waiter';

const response = (id: string, type = 'seldon.iris-deployment.default.response') => createEvent({ id, type, source: 'seldon.iris-deployment', data: Buffer.from('{}') });

describe('ReplyWaiter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("resolves a request with the response event whose id is its puid, and forgets it", async () => {
    const waiter = new ReplyWaiter();
    const pending = waiter.expect('p-1', 5_000);
    expect(waiter.deliver(response('p-2'))).toBe(false);
    expect(waiter.deliver(response('p-1'))).toBe(true);
    await expect(pending.reply).resolves.toMatchObject({ id: 'p-1' });
    expect(waiter.size).toBe(0);
    expect(waiter.deliver(response('p-1'))).toBe(false);
  });

  it('takes KServe response events too, and ignores any other event of that id (the request itself)', async () => {
    const waiter = new ReplyWaiter();
    const pending = waiter.expect('p-1', 5_000);
    expect(waiter.deliver(response('p-1', 'seldon.iris-deployment.default.request'))).toBe(false);
    expect(waiter.deliver(response('p-1', 'io.kserve.inference.response'))).toBe(true);
    await expect(pending.reply).resolves.toMatchObject({ type: 'io.kserve.inference.response' });
  });

  it('answers every request waiting on one puid', async () => {
    const waiter = new ReplyWaiter();
    const [a, b] = [waiter.expect('p', 5_000), waiter.expect('p', 5_000)];
    expect(waiter.size).toBe(2);
    waiter.deliver(response('p'));
    await expect(Promise.all([a.reply, b.reply])).resolves.toEqual([expect.objectContaining({ id: 'p' }), expect.objectContaining({ id: 'p' })]);
  });

  it('gives up after the timeout, and a late response finds no one', async () => {
    const waiter = new ReplyWaiter();
    const pending = waiter.expect('p-1', 5_000);
    jest.advanceTimersByTime(4_999);
    expect(waiter.size).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(pending.reply).resolves.toBeUndefined();
    expect(waiter.size).toBe(0);
    expect(waiter.deliver(response('p-1'))).toBe(false);
  });

  it('stops waiting when cancelled or when the client goes away, leaving the others waiting', async () => {
    const waiter = new ReplyWaiter();
    const gone = new AbortController();
    const [cancelled, abandoned, kept] = [waiter.expect('p', 5_000), waiter.expect('p', 5_000, gone.signal), waiter.expect('p', 5_000)];
    cancelled.cancel();
    gone.abort();
    await expect(Promise.all([cancelled.reply, abandoned.reply])).resolves.toEqual([undefined, undefined]);
    expect(waiter.size).toBe(1);
    waiter.deliver(response('p'));
    await expect(kept.reply).resolves.toMatchObject({ id: 'p' });
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('preferredWait (RFC 7240 Prefer: wait)', () => {
  it.each<[string | string[] | undefined, number | undefined]>([
    [undefined, undefined],
    ['wait=10', 10],
    ['WAIT = 5', 5],
    ['respond-async, wait=3', 3],
    ['return=minimal; foo="bar", wait="7"', 7],
    [['handling=lenient', 'wait=2'], 2],
    ['wait=0', undefined],
    ['return=representation', undefined],
  ])('reads %j as %j', (header, seconds) => {
    expect(preferredWait(header)).toBe(seconds);
  });

  it.each(['wait', 'wait=soon', 'wait=-1', 'wait=1.5'])('refuses %j with a 400 naming what it takes', (header) => {
    expect(() => preferredWait(header)).toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining('Prefer: wait must be a whole number of seconds (RFC 7240)') }));
  });
});
