import type { KafkaMessage } from 'kafkajs';
import { createEvent, toKafkaBinary, toKafkaStructured, type CloudEvent } from '@seldon-eventing/cloudevents';
import { compileFilter, retryPolicy, type CompiledTrigger, type DeadLetterTarget, type Trigger } from '@seldon-eventing/eventing';
import type { BrokerRef, DeliveryHandler } from '../bus';
import { DeliveryError } from '../errors';
import { RecordDispatcher } from './record-dispatcher';

const trigger: Trigger = {
  name: 'predict',
  namespace: 'default',
  broker: 'default',
  annotations: {},
  subscriber: { uri: 'http://iris.default.svc/api/v1.0/predictions' },
  filter: { attributes: { type: 'seldon.iris.default.request' } },
};

function compiled(deadLetter?: DeadLetterTarget, retry = 2): CompiledTrigger {
  return { trigger, key: 'default/predict', status: { ready: true }, filter: compileFilter(trigger), retry: retryPolicy({ retry: retry - 1 }), subscriber: new URL(trigger.subscriber.uri as string), deadLetter };
}

function record(event: CloudEvent, offset = '0'): KafkaMessage {
  const { key, value, headers } = toKafkaBinary(event);
  return { key: key ?? null, value, headers, offset, timestamp: '0', attributes: 0 } as KafkaMessage;
}

const request = createEvent({ id: 'req-1', source: 'test', type: 'seldon.iris.default.request', data: { data: { ndarray: [[1, 2, 3, 4]] } } });
const outcome = createEvent({ id: 'out-1', source: 'router', type: 'seldon.outcome' });

function harness(handler: DeliveryHandler, options: { deadLetter?: DeadLetterTarget; produceFails?: (target: BrokerRef | { topic: string }) => Error | undefined } = {}) {
  const produced: { event: CloudEvent; target: BrokerRef | { topic: string } }[] = [];
  const posted: { url: URL; event: CloudEvent }[] = [];
  const warnings: string[] = [];
  const abort = new AbortController();
  const dispatcher = new RecordDispatcher(compiled(options.deadLetter), handler, {
    produce: async (event, target) => {
      const error = options.produceFails?.(target);
      if (error) throw error;
      produced.push({ event, target });
    },
    deliverHttp: async (url, event) => {
      posted.push({ url, event });
      return { ok: true };
    },
    log: { debug: () => undefined, log: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    signal: abort.signal,
  });
  return { dispatcher, produced, posted, warnings, abort };
}

/** What the Trigger's consumer does with a record: reads it, and delivers it unless it is passed over. */
async function consume(dispatcher: RecordDispatcher, message: KafkaMessage): Promise<boolean | 'passed over'> {
  const event = dispatcher.read(message);
  return event === undefined ? 'passed over' : dispatcher.dispatch(event, message);
}

describe('RecordDispatcher', () => {
  it('delivers a matching record to the handler, with its Trigger, and produces the reply to the broker topic', async () => {
    const seen: string[] = [];
    const { dispatcher, produced } = harness(async (event, context) => {
      seen.push(`${event.id} ${context.trigger?.key} ${context.attempt}`);
      return outcome;
    });
    await expect(consume(dispatcher, record(request))).resolves.toBe(true);
    expect(seen).toEqual(['req-1 default/predict 1']);
    expect(produced).toEqual([{ event: outcome, target: { namespace: 'default', name: 'default' } }]);
  });

  it('is done with records the filter rejects and records that are not CloudEvents, without calling the handler', async () => {
    const handler = jest.fn(async () => undefined);
    const { dispatcher, warnings } = harness(handler);
    await expect(consume(dispatcher, record(createEvent({ source: 's', type: 'other.type' })))).resolves.toBe('passed over');
    await expect(consume(dispatcher, { key: null, value: Buffer.from('x'), headers: {}, offset: '7', timestamp: '0', attributes: 0 } as KafkaMessage)).resolves.toBe('passed over');
    expect(handler).not.toHaveBeenCalled();
    expect(warnings).toEqual([expect.stringContaining('skipping record at offset 7: not a valid CloudEvent')]);
  });

  it('decides a binary-mode record on its headers: one of another type is done with unread, however broken the rest', async () => {
    const handler = jest.fn(async () => undefined);
    const { dispatcher, warnings } = harness(handler);
    const { headers } = toKafkaBinary(createEvent({ source: 's', type: 'other.type' }));
    // Neither the time nor the value would parse: the Trigger never asks.
    const broken = { key: null, value: Buffer.from('{'), headers: { ...headers, ce_time: 'yesterday', 'content-type': 'application/json' }, offset: '3', timestamp: '0', attributes: 0 };
    await expect(consume(dispatcher, broken as unknown as KafkaMessage)).resolves.toBe('passed over');
    expect(handler).not.toHaveBeenCalled();
    expect(warnings).toEqual([]);
    // The same record of the Trigger's type is parsed, and refused.
    await expect(consume(dispatcher, { ...broken, headers: { ...broken.headers, ce_type: request.type } } as unknown as KafkaMessage)).resolves.toBe('passed over');
    expect(handler).not.toHaveBeenCalled();
    expect(warnings).toEqual([expect.stringContaining("skipping record at offset 3: not a valid CloudEvent (attribute 'time'")]);
  });

  it('filters a structured-mode record once parsed, as its attributes are in its value', async () => {
    const seen: string[] = [];
    const { dispatcher } = harness(async (event) => {
      seen.push(event.id);
      return undefined;
    });
    const asMessage = (event: CloudEvent) => ({ ...toKafkaStructured(event), offset: '0', timestamp: '0', attributes: 0 }) as unknown as KafkaMessage;
    await expect(consume(dispatcher, asMessage(outcome))).resolves.toBe('passed over');
    await expect(consume(dispatcher, asMessage(request))).resolves.toBe(true);
    expect(seen).toEqual(['req-1']);
  });

  it("retries a retryable failure, then dead-letters to a KafkaSink topic naming the subscriber and carrying the handler's body", async () => {
    let calls = 0;
    const { dispatcher, produced } = harness(
      async () => {
        calls++;
        throw new DeliveryError(502, 'predictor answered 500', Buffer.from('{"error":"boom"}'));
      },
      { deadLetter: { topic: 'dead-letters' } },
    );
    await expect(consume(dispatcher, record(request))).resolves.toBe(true);
    expect(calls).toBe(2);
    expect(produced).toHaveLength(1);
    expect(produced[0].target).toEqual({ topic: 'dead-letters' });
    expect(produced[0].event.extensions).toMatchObject({
      knativeerrorcode: '502',
      knativeerrordest: 'http://iris.default.svc/api/v1.0/predictions',
      knativeerrordata: Buffer.from('{"error":"boom"}').toString('base64'),
    });
  });

  it('dead-letters to an HTTP sink, once, for a failure retrying cannot change', async () => {
    let calls = 0;
    const { dispatcher, posted } = harness(
      async () => {
        calls++;
        throw new DeliveryError(422, 'no SeldonDeployment is addressed');
      },
      { deadLetter: { url: new URL('http://dls.local/') } },
    );
    await expect(consume(dispatcher, record(request))).resolves.toBe(true);
    expect(calls).toBe(1);
    expect(posted.map((p) => [p.url.href, p.event.extensions.knativeerrorcode])).toEqual([['http://dls.local/', '422']]);
  });

  it('dead-letters a reply Kafka can never take (over the record limit), instead of retrying it for ever', async () => {
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE', retriable: false });
    const { dispatcher, produced, warnings } = harness(async () => outcome, {
      deadLetter: { topic: 'dead-letters' },
      produceFails: (target) => ('topic' in target ? undefined : tooLarge),
    });
    await expect(consume(dispatcher, record(request))).resolves.toBe(true);
    expect(produced.map((p) => [p.event.id, p.event.extensions.knativeerrorcode])).toEqual([['req-1', '413']]);
    expect(warnings).toEqual([]);
  });

  it('leaves the record unfinished when shutdown cuts its retries short', async () => {
    const { dispatcher, abort } = harness(async () => {
      abort.abort();
      throw new DeliveryError(503, 'down');
    });
    await expect(consume(dispatcher, record(request))).resolves.toBe(false);
  });
});

describe('RecordDispatcher while Kafka is unreachable', () => {
  it('holds the record until its reply can be produced, instead of losing it', async () => {
    let down = 2;
    const unreachable = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { retriable: true });
    const { dispatcher, produced, warnings } = harness(async () => outcome, { produceFails: () => (down-- > 0 ? unreachable : undefined) });
    await expect(consume(dispatcher, record(request))).resolves.toBe(true);
    expect(produced.map((p) => p.event.id)).toEqual(['out-1']);
    expect(warnings).toEqual([expect.stringContaining('retrying in 200 ms'), expect.stringContaining('retrying in 400 ms')]);
  });

  it('leaves the record unfinished when shutdown comes while Kafka is still down', async () => {
    const unreachable = Object.assign(new Error('ECONNREFUSED'), { retriable: true });
    let stop = () => undefined as void;
    const { dispatcher, abort } = harness(async () => outcome, {
      produceFails: () => {
        // Shutdown comes while Kafka is still unreachable.
        stop();
        return unreachable;
      },
    });
    stop = () => abort.abort();
    await expect(consume(dispatcher, record(request))).resolves.toBe(false);
  });
});
