import type { BatchPolicy } from '@seldon-eventing/seldon';
import type { HttpResponse } from '@seldon-eventing/transport';
import { Batcher } from './prediction-batcher';
import type { PredictorTarget } from './predictor-targets';

/**
 * The batcher's queues and timers, with jest's fake clock. The predictor is a function standing
 * in for the HTTP call (the e2e suite batching.e2e.ts runs the real model-server): it answers each
 * v1 row [a, b] with [a + b], as a model answers row by row, or as a test tells it to.
 */

interface Call {
  url: string;
  body: any;
  puid: string;
}

const json = (status: number, value: unknown): HttpResponse => ({ status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) });

function rowModel(body: any, puid: string): HttpResponse {
  return json(200, { data: { names: ['sum'], ndarray: body.data.ndarray.map((row: number[]) => [row[0] + row[1]]) }, meta: { puid } });
}

describe('Batcher', () => {
  let calls: Call[];
  let answer: (body: any, puid: string) => HttpResponse | Promise<HttpResponse>;
  let policy: BatchPolicy | undefined;

  const target = (path = '/api/v1.0/predictions', host = 'model'): PredictorTarget => ({ url: new URL(`http://${host}:9000${path}`), name: { deployment: 'iris', namespace: 'default' } });
  const batcher = () =>
    new Batcher(
      async (t, body, _contentType, puid) => {
        const parsed = JSON.parse(body.toString());
        calls.push({ url: t.url.href, body: parsed, puid });
        return answer(parsed, puid);
      },
      () => policy,
    );
  const v1 = (...rows: number[][]) => Buffer.from(JSON.stringify({ data: { ndarray: rows } }));
  const read = async (response: Promise<HttpResponse>) => {
    const { status, body } = await response;
    return { status, json: JSON.parse(body.toString()) };
  };

  beforeEach(() => {
    jest.useFakeTimers();
    calls = [];
    answer = rowModel;
    policy = { maxSize: 3, maxWaitMs: 5 };
  });
  afterEach(() => jest.useRealTimers());

  it('calls at once, body unchanged, for a deployment without batching', async () => {
    policy = undefined;
    const response = batcher().predict(target(), v1([1, 2]), 'application/json', 'p1');
    expect(await read(response)).toEqual({ status: 200, json: { data: { names: ['sum'], ndarray: [[3]] }, meta: { puid: 'p1' } } });
    expect(calls).toHaveLength(1);
  });

  it('merges up to max size into one call at once, and answers each request with its own rows and puid', async () => {
    const b = batcher();
    const answers = [b.predict(target(), v1([1, 2]), 'application/json', 'p1'), b.predict(target(), v1([3, 4], [5, 6]), 'application/json', 'p2'), b.predict(target(), v1([7, 8]), 'application/json', 'p3')];
    expect(await Promise.all(answers.map(read))).toEqual([
      { status: 200, json: { data: { names: ['sum'], ndarray: [[3]] }, meta: { puid: 'p1' } } },
      { status: 200, json: { data: { names: ['sum'], ndarray: [[7], [11]] }, meta: { puid: 'p2' } } },
      { status: 200, json: { data: { names: ['sum'], ndarray: [[15]] }, meta: { puid: 'p3' } } },
    ]);
    expect(calls).toEqual([{ url: 'http://model:9000/api/v1.0/predictions', body: { data: { ndarray: [[1, 2], [3, 4], [5, 6], [7, 8]] } }, puid: expect.not.stringMatching(/^p\d$/) }]);
  });

  it('calls a batch that is not full max wait after its first request, not after its last', async () => {
    const b = batcher();
    const first = b.predict(target(), v1([1, 2]), 'application/json', 'p1');
    await jest.advanceTimersByTimeAsync(3);
    const second = b.predict(target(), v1([3, 4]), 'application/json', 'p2');
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([expect.objectContaining({ body: { data: { ndarray: [[1, 2], [3, 4]] } } })]);
    expect((await read(second)).json.data.ndarray).toEqual([[7]]);
    expect((await read(first)).json.data.ndarray).toEqual([[3]]);
    // The next request starts a new batch with a wait of its own.
    const third = b.predict(target(), v1([5, 6]), 'application/json', 'p3');
    await jest.advanceTimersByTimeAsync(5);
    expect(calls).toHaveLength(2);
    await third;
  });

  it("calls a batch of one with the request's own body and puid", async () => {
    const body = Buffer.from('{"data":{"names":["a","b"],"ndarray":[[1,2]]},"meta":{"puid":"p1"}}');
    const response = batcher().predict(target(), body, 'application/json', 'p1');
    await jest.advanceTimersByTimeAsync(5);
    expect(calls).toEqual([{ url: expect.any(String), body: JSON.parse(body.toString()), puid: 'p1' }]);
    expect((await read(response)).status).toBe(200);
  });

  it('sends a request that cannot merge alone at once, while mergeable ones wait; other predictors and other keys queue apart', async () => {
    const b = batcher();
    answer = (body, puid) => (body.strData ? json(200, { strData: 'hi' }) : rowModel(body, puid));
    const waiting = [b.predict(target(), v1([1, 2]), 'application/json', 'p1'), b.predict(target(), v1([1, 2, 3]), 'application/json', 'p2')];
    const other = b.predict(target('/api/v1.0/predictions', 'other-model'), v1([1, 2]), 'application/json', 'p3');
    const alone = b.predict(target(), Buffer.from('{"strData":"hello"}'), 'application/json', 'p4');
    const text = b.predict(target(), v1([1, 2]), 'text/plain', 'p5');
    await Promise.all([alone, text]);
    expect(calls.map((c) => c.puid)).toEqual(['p4', 'p5']);
    await jest.advanceTimersByTimeAsync(5);
    await Promise.all([...waiting, other]);
    expect(calls.map((c) => c.puid).slice(2).sort()).toEqual(['p1', 'p2', 'p3']);
  });

  it('fails every request of a batch on its own when the predictor is unreachable or answers a retryable status', async () => {
    const b = batcher();
    answer = () => Promise.reject(new Error('connect ECONNREFUSED'));
    const unreachable = [b.predict(target(), v1([1, 2]), 'application/json', 'p1'), b.predict(target(), v1([3, 4]), 'application/json', 'p2')];
    await jest.advanceTimersByTimeAsync(5);
    for (const r of unreachable) await expect(r).rejects.toThrow('ECONNREFUSED');
    answer = () => json(503, { status: { code: 503, info: 'overloaded' } });
    const failing = [b.predict(target(), v1([1, 2]), 'application/json', 'p1'), b.predict(target(), v1([3, 4]), 'application/json', 'p2')];
    await jest.advanceTimersByTimeAsync(5);
    for (const r of failing) expect(await read(r)).toEqual({ status: 503, json: { status: { code: 503, info: 'overloaded' } } });
    expect(calls).toHaveLength(2);
  });

  it('calls each request alone when the batch is refused (4xx) or its answer does not split by rows, so each gets its own answer', async () => {
    const b = batcher();
    // The model refuses rows holding a negative value: only the request that sent one is refused.
    answer = (body, puid) => (body.data.ndarray.flat().some((v: number) => v < 0) ? json(400, { status: { code: 400, info: 'negative' } }) : rowModel(body, puid));
    const refused = [b.predict(target(), v1([1, 2]), 'application/json', 'p1'), b.predict(target(), v1([-3, 4]), 'application/json', 'p2')];
    await jest.advanceTimersByTimeAsync(5);
    expect(await Promise.all(refused.map(read))).toEqual([
      { status: 200, json: { data: { names: ['sum'], ndarray: [[3]] }, meta: { puid: 'p1' } } },
      { status: 400, json: { status: { code: 400, info: 'negative' } } },
    ]);
    expect(calls.map((c) => c.puid).slice(1)).toEqual(['p1', 'p2']);

    calls = [];
    answer = (body, puid) => json(200, { data: { ndarray: [[body.data.ndarray.length]] }, meta: { puid } });
    const aggregated = [b.predict(target(), v1([1, 2]), 'application/json', 'p1'), b.predict(target(), v1([3, 4]), 'application/json', 'p2')];
    await jest.advanceTimersByTimeAsync(5);
    expect((await Promise.all(aggregated.map(read))).map((r) => r.json.data.ndarray)).toEqual([[[1]], [[1]]]);
    expect(calls).toHaveLength(3);
  });

  it('merges V2 inputs and TF instances by the protocol of the predictor path', async () => {
    const b = batcher();
    answer = (body) => json(200, { predictions: body.instances.map((row: number[]) => [row[0]]) });
    const tf = [1, 2].map((x) => b.predict(target('/v1/models/classifier:predict'), Buffer.from(JSON.stringify({ instances: [[x, 0]] })), 'application/json', `t${x}`));
    answer = (body) =>
      body.instances
        ? json(200, { predictions: body.instances.map((row: number[]) => [row[0]]) })
        : json(200, { model_name: 'm', id: 'batch', outputs: [{ name: 'o', shape: [body.inputs[0].shape[0], 1], datatype: 'FP64', data: body.inputs[0].data.filter((_: number, i: number) => i % 2 === 0) }] });
    const v2 = [1, 2].map((x) => b.predict(target('/v2/models/classifier/infer'), Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [x, 0] }] })), 'application/json', `v${x}`));
    await jest.advanceTimersByTimeAsync(5);
    expect((await Promise.all(tf.map(read))).map((r) => r.json)).toEqual([{ predictions: [[1]] }, { predictions: [[2]] }]);
    expect((await Promise.all(v2.map(read))).map((r) => r.json)).toEqual([
      { model_name: 'm', id: 'v1', outputs: [{ name: 'o', shape: [1, 1], datatype: 'FP64', data: [1] }] },
      { model_name: 'm', id: 'v2', outputs: [{ name: 'o', shape: [1, 1], datatype: 'FP64', data: [2] }] },
    ]);
    expect(calls).toHaveLength(2);
  });
});
