import type { AddressInfo } from 'node:net';
import { createServiceApp, listen, type ServiceApp } from '@seldon-eventing/service';
import { ModelServerModule, modelServerService } from './model-server.module';

/** The real app on an ephemeral port: the iris model in TF Serving REST and the Open Inference Protocol (V2). */
describe('model-server: TensorFlow REST and V2', () => {
  let service: ServiceApp;
  let base: string;

  beforeAll(async () => {
    process.env.LOG_LEVEL ??= 'warn';
    service = await createServiceApp(ModelServerModule, modelServerService);
    await listen(service.server, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await service?.app.close();
  });

  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, contentType: res.headers.get('content-type'), json: (await res.json()) as any };
  };

  const ROWS = [
    [1, 2, 3, 4],
    [5.1, 3.5, 1.4, 0.2],
  ];
  /** The same rows through protocol v1: what the other protocols must answer too. */
  let v1Probabilities: number[][];
  beforeAll(async () => {
    v1Probabilities = (await call('/api/v1.0/predictions', { data: { ndarray: ROWS } })).json.data.ndarray;
    expect(v1Probabilities).toHaveLength(2);
  });

  describe('TensorFlow Serving REST', () => {
    it('answers instances with predictions, the same probabilities as protocol v1', async () => {
      const res = await call('/v1/models/classifier:predict', { instances: ROWS });
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(res.json).toEqual({ predictions: v1Probabilities });
    });

    it.each([
      ['an unnamed tensor', { inputs: ROWS }],
      ['one named input', { inputs: { features: ROWS } }],
    ])('answers the columnar format (%s) with outputs', async (_what, body) => {
      expect((await call('/v1/models/classifier:predict', body)).json).toEqual({ outputs: v1Probabilities });
    });

    it('answers at the graph root form /v1/models:predict too, as the executor does', async () => {
      expect((await call('/v1/models:predict', { instances: ROWS })).json).toEqual({ predictions: v1Probabilities });
    });

    it.each<[string, string, unknown, number, string]>([
      ['another model', '/v1/models/other:predict', { instances: ROWS }, 404, 'Servable not found for request: Latest(other)'],
      ['a row of 3', '/v1/models/classifier:predict', { instances: [[1, 2, 3]] }, 400, 'instances[0] has 3 values; this model takes 4 features'],
      ['a Seldon v1 body', '/v1/models/classifier:predict', { data: { ndarray: ROWS } }, 400, 'missing instances (row format) or inputs (columnar format)'],
      ['two named inputs', '/v1/models/classifier:predict', { inputs: { a: ROWS, b: ROWS } }, 400, 'this model takes one input, got 2 (a, b)'],
      ['malformed JSON', '/v1/models/classifier:predict', '{"instances": [', 400, 'request body is not valid JSON'],
    ])('answers %s as TF Serving does: its status and {"error"}', async (_what, path, body, status, message) => {
      const res = await call(path, body);
      expect(res.status).toBe(status);
      expect(res.json).toEqual({ error: expect.stringContaining(message) });
    });
  });

  describe('Open Inference Protocol (V2)', () => {
    const infer = (body: unknown, model = 'classifier') => call(`/v2/models/${model}/infer`, body);

    it.each(['FP32', 'FP64'])('answers an %s [N,4] input with an FP64 [N,3] predict_proba output, as MLServer-sklearn answers', async (datatype) => {
      const res = await infer({ id: 'req-1', inputs: [{ name: 'predict', shape: [2, 4], datatype, data: ROWS.flat() }] });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        model_name: 'classifier',
        id: 'req-1',
        parameters: {},
        outputs: [{ name: 'predict_proba', shape: [2, 3], datatype: 'FP64', parameters: { content_type: 'np' }, data: v1Probabilities.flat() }],
      });
    });

    it('takes nested data, makes up an id when the request has none, and answers the outputs asked for', async () => {
      const res = await infer({ inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP64', data: ROWS }], outputs: [{ name: 'predict' }, { name: 'predict_proba' }] });
      expect(res.status).toBe(200);
      expect(res.json.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(res.json.outputs).toEqual([
        { name: 'predict', shape: [2, 1], datatype: 'INT64', parameters: { content_type: 'np' }, data: [2, 0] },
        { name: 'predict_proba', shape: [2, 3], datatype: 'FP64', parameters: { content_type: 'np' }, data: v1Probabilities.flat() },
      ]);
    });

    it.each<[string, unknown, number, string]>([
      ['a shape that does not hold the data', { inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 422, 'inputs[0].shape [2,4] holds 8 values, data has 4'],
      ['a Seldon v1 body', { data: { ndarray: ROWS } }, 422, 'inputs is required'],
      ['malformed JSON', '{"inputs": [', 422, 'request body is not valid JSON'],
      ['a [N,3] input', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, 400, 'inputs[0].shape must be [N, 4] for this model, got [1,3]'],
      ['two inputs', { inputs: [{ name: 'a', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'b', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 400, 'this model takes a single input tensor (2 were received)'],
      ['a BYTES input', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'BYTES', data: ['a', 'b', 'c', 'd'] }] }, 400, 'inputs[0].datatype must be numeric'],
      ['an unknown output', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }], outputs: [{ name: 'transform' }] }, 400, "SKLearnModel only supports 'predict' and 'predict_proba' as outputs (transform was received)"],
    ])('answers %s with its status and {"error"}', async (_what, body, status, message) => {
      const res = await infer(body);
      expect(res.status).toBe(status);
      expect(res.json).toEqual({ error: expect.stringContaining(message) });
    });

    it("answers another model's name with 404 and MLServer's ModelNotFound text", async () => {
      const res = await infer({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 'other');
      expect(res).toMatchObject({ status: 404, json: { error: 'Model other not found' } });
    });

    it('serves health, model metadata and model readiness', async () => {
      expect(await call('/v2/health/live')).toMatchObject({ status: 200, json: { live: true } });
      expect(await call('/v2/health/ready')).toMatchObject({ status: 200, json: { ready: true } });
      expect(await call('/v2/models/classifier/ready')).toMatchObject({ status: 200, json: { name: 'classifier', ready: true } });
      const metadata = await call('/v2/models/classifier');
      expect(metadata.status).toBe(200);
      expect(metadata.json).toMatchObject({
        name: 'classifier',
        inputs: [{ datatype: 'FP64', shape: [-1, 4] }],
        outputs: expect.arrayContaining([{ name: 'predict_proba', datatype: 'FP64', shape: [-1, 3] }]),
      });
      for (const path of ['/v2/models/other', '/v2/models/other/ready']) {
        expect(await call(path)).toMatchObject({ status: 404, json: { error: 'Model other not found' } });
      }
    });

    it('answers GET on the infer path with 405', async () => {
      expect((await call('/v2/models/classifier/infer')).status).toBe(405);
    });
  });
});
