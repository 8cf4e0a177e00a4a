import { createEvent, type CloudEvent } from '@seldon-eventing/cloudevents';
import type { RetryPolicy } from '@seldon-eventing/eventing';
import type { AttemptOutcome } from './attempt';
import { logOutcome, sendEvent, type Sender } from './send-event';

const retry = (attempts: number): RetryPolicy => ({ attempts, backoffMs: () => 0 });
const event = createEvent({ id: 'e1', source: 'test', type: 'test.type' });
const reply = createEvent({ id: 'r1', source: 'subscriber', type: 'test.reply' });
const ok = (answer?: CloudEvent): AttemptOutcome => ({ ok: true, reply: answer });
const fail = (status: number, retryable = status >= 500): AttemptOutcome => ({ ok: false, retryable, failure: { destination: 'http://sub/', status, body: Buffer.from(`status ${status}`) } });

/** A sender answering from a script, remembering what it was sent. */
function scripted(...answers: AttemptOutcome[]): Sender & { sent: CloudEvent[] } {
  const sent: CloudEvent[] = [];
  const sender = async (e: CloudEvent) => {
    sent.push(e);
    return answers.length > 1 ? (answers.shift() as AttemptOutcome) : answers[0];
  };
  return Object.assign(sender, { sent });
}

describe('sendEvent, the delivery engine of both backends', () => {
  it('delivers, and sends the reply to the reply target', async () => {
    const subscriber = scripted(fail(503), ok(reply));
    const replies = scripted(ok());
    await expect(sendEvent(event, subscriber, { retry: retry(3), reply: replies })).resolves.toEqual({ kind: 'delivered', attempts: 2, retried: [503] });
    expect(replies.sent.map((e) => e.id)).toEqual(['r1']);
  });

  it('dead-letters after the retries with the last failure in the knativeerror* extensions', async () => {
    const subscriber = scripted(fail(503), fail(502));
    const sink = scripted(ok());
    const outcome = await sendEvent(event, subscriber, { retry: retry(2), deadLetter: sink });
    expect(outcome).toMatchObject({ kind: 'dead-lettered', attempts: 2, failure: { status: 502 } });
    expect(subscriber.sent).toHaveLength(2);
    expect(sink.sent[0]).toMatchObject({ id: 'e1', extensions: { knativeerrorcode: '502', knativeerrordest: 'http://sub/', knativeerrordata: Buffer.from('status 502').toString('base64') } });
  });

  it('does not retry a failure that retrying cannot change', async () => {
    const subscriber = scripted(fail(400, false));
    const sink = scripted(ok());
    await expect(sendEvent(event, subscriber, { retry: retry(5), deadLetter: sink })).resolves.toMatchObject({ kind: 'dead-lettered', attempts: 1 });
  });

  it('dead-letters the original event when its reply cannot be sent, as Knative does', async () => {
    const replies = scripted(fail(413, false));
    const sink = scripted(ok());
    const outcome = await sendEvent(event, scripted(ok(reply)), { retry: retry(3), reply: replies, deadLetter: sink });
    expect(outcome).toMatchObject({ kind: 'dead-lettered', failure: { status: 413 } });
    expect(replies.sent).toHaveLength(1);
    expect(sink.sent.map((e) => e.id)).toEqual(['e1']);
  });

  it('counts the event lost, and settles it, when the dead-letter sink refuses it too (the Kafka broker policy)', async () => {
    const sink = scripted(fail(500));
    const outcome = await sendEvent(event, scripted(fail(503)), { retry: retry(2), deadLetter: sink });
    expect(outcome).toMatchObject({ kind: 'lost', failure: { status: 503 }, deadLetterFailure: { status: 500 } });
    // What the metrics count as retried: the subscriber's first failure, then the sink's.
    expect(outcome.retried).toEqual([503, 500]);
    expect(sink.sent).toHaveLength(2);
  });

  it('counts the event lost when there is no dead-letter sink', async () => {
    await expect(sendEvent(event, scripted(fail(503)), { retry: retry(1) })).resolves.toEqual({ kind: 'lost', attempts: 1, failure: expect.objectContaining({ status: 503 }) });
  });

  it('reports aborted, never a settled outcome, when shutdown stops a retry wait', async () => {
    const abort = new AbortController();
    const subscriber = scripted(fail(503));
    const pending = sendEvent(event, subscriber, { retry: { attempts: 5, backoffMs: () => 60_000 }, signal: abort.signal });
    await new Promise((r) => setImmediate(r));
    abort.abort();
    await expect(pending).resolves.toEqual({ kind: 'aborted', retried: [503] });
    expect(subscriber.sent).toHaveLength(1);
  });

  it('logs one line per failed outcome, naming the event, the Trigger and why', async () => {
    const lines: string[] = [];
    const log = { debug: () => undefined, log: (m: string) => lines.push(`log ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
    logOutcome(log, event, 'default/t', await sendEvent(event, scripted(ok()), { retry: retry(1) }));
    logOutcome(log, event, 'default/t', await sendEvent(event, scripted(fail(503)), { retry: retry(1), deadLetter: scripted(fail(500)) }));
    expect(lines).toEqual([expect.stringMatching(/^error event e1 for trigger default\/t lost: http:\/\/sub\/.*status 503.*dead-letter sink refused it too/)]);
  });
});
