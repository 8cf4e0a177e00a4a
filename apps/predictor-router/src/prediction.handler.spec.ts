import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, type CloudEvent } from '@seldon-eventing/cloudevents';
import { readOutcomeEvent } from '@seldon-eventing/seldon';
import type { Topology } from '@seldon-eventing/topology';
import { CloudEventsContext, DeliveryError } from '@seldon-eventing/transport';
import { PredictionBatcher } from './prediction-batcher';
import { PredictionHandler } from './prediction.handler';
import { PredictorClient } from './predictor-client';
import type { PredictorTarget, PredictorTargets } from './predictor-targets';

describe('PredictionHandler', () => {
  let server: Server;
  let url: URL;
  let answer: (res: ServerResponse) => void;
  const calls: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        calls.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString() });
        answer(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1.0/predictions`);
  });
  afterAll(() => server.close());

  const target = (): PredictorTarget => ({ url, name: { deployment: 'iris', namespace: 'default' } });
  // No deployment batches here: prediction-batcher.spec.ts and e2e/src/batching.e2e.ts cover batching.
  const unbatched = { batchPolicy: () => undefined } as unknown as Topology;
  const handler = (find: () => PredictorTarget | undefined = target) =>
    new PredictionHandler({ find } as unknown as PredictorTargets, new PredictionBatcher(new PredictorClient(), unbatched));
  const request = (extensions: Record<string, string> = {}) =>
    createEvent({ id: 'req-1', source: 'test', type: 'seldon.iris.default.request', datacontenttype: 'application/json', data: { data: { ndarray: [[1, 2, 3, 4]] } }, extensions });
  const context = (event: CloudEvent) => new CloudEventsContext([event, { attempt: 1 }]);
  const predict = (event: CloudEvent, h = handler()) => h.predict(event, context(event));

  it("calls the predictor with the event's data and its seldonpuid, and reports the answer as an outcome event", async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"ndarray":[[0.1,0.2,0.7]]}}');
    const outcome = readOutcomeEvent(await predict(request({ seldonpuid: 'puid-1' })));
    expect(calls.at(-1)).toMatchObject({ path: '/api/v1.0/predictions', headers: { 'seldon-puid': 'puid-1', 'content-type': 'application/json' }, body: '{"data":{"ndarray":[[1,2,3,4]]}}' });
    expect(outcome).toMatchObject({ deployment: 'iris', namespace: 'default', puid: 'puid-1', status: 200, path: '/api/v1.0/predictions' });
    expect(JSON.parse(String(outcome.body))).toEqual({ data: { ndarray: [[0.1, 0.2, 0.7]] } });
  });

  it('passes the request and the answer through as the bytes they are, never parsed and re-serialised', async () => {
    // Spacing, trailing zeros, exponents and a key order a JSON round trip would all change.
    const body = '{ "meta": {}, "data": {"ndarray": [[5.10, 3.5e0, 1.4, 0.2000]]} }';
    const answered = '{"meta":{"puid":"p"} , "data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.10,2E-1,0.7]]}}';
    answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(answered);
    const event = createEvent({ id: 'req-2', source: 'test', type: 'seldon.iris.default.request', datacontenttype: 'application/json', data: Buffer.from(body) });
    const outcome = readOutcomeEvent(await predict(event));
    expect(calls.at(-1)?.body).toBe(body);
    expect(outcome.body.toString()).toBe(answered);
  });

  it('makes up a puid when the event has none', async () => {
    answer = (res) => res.writeHead(200).end('{}');
    const outcome = readOutcomeEvent(await predict(request()));
    expect(outcome.puid).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls.at(-1)?.headers['seldon-puid']).toBe(outcome.puid);
  });

  it("reports an answer retrying cannot change (a bad payload's 400) as the outcome, status kept", async () => {
    answer = (res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"status":{"code":400}}');
    await expect(predict(request()).then(readOutcomeEvent)).resolves.toMatchObject({ status: 400 });
  });

  it("fails the delivery with 502 and the predictor's own answer when it fails, so that it is retried and dead-lettered", async () => {
    answer = (res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":{"code":500,"info":"boom"}}');
    const failure = await predict(request()).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ status: 502, contentType: 'application/json' });
    expect(String((failure as DeliveryError).body)).toBe('{"status":{"code":500,"info":"boom"}}');
  });

  it('keeps a retryable 4xx (429) as the status, and answers 502 when the predictor is unreachable', async () => {
    answer = (res) => res.writeHead(429).end();
    await expect(predict(request())).rejects.toMatchObject({ status: 429 });
    const gone = handler(() => ({ url: new URL('http://127.0.0.1:1/api/v1.0/predictions'), name: { deployment: 'iris', namespace: 'default' } }));
    await expect(predict(request(), gone)).rejects.toMatchObject({ status: 502, message: expect.stringContaining('unreachable') });
  });

  it('refuses for good (422) an event that addresses no SeldonDeployment', async () => {
    await expect(predict(request(), handler(() => undefined))).rejects.toMatchObject({ status: 422 });
  });
});
