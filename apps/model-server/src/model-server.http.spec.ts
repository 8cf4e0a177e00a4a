import type { AddressInfo } from 'node:net';
import { createServiceApp, listen, type ServiceApp } from '@seldon-eventing/service';
import { ModelServerModule, modelServerService } from './model-server.module';

/** The real app on an ephemeral port, spoken to over HTTP. */
describe('model-server over HTTP', () => {
  let service: ServiceApp;
  let base: string;

  beforeAll(async () => {
    process.env.LOG_LEVEL ??= 'warn';
    service = await createServiceApp(ModelServerModule, modelServerService);
    await listen(service.server, 0, '127.0.0.1');
    const { port } = service.server.address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await service?.app.close();
  });

  const post = async (path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  const SEED = '{"data": { "ndarray": [[1,2,3,4]]}}';

  const expectIrisAnswer = (json: any) => {
    expect(json.data.names).toEqual(['t:0', 't:1', 't:2']);
    const [p]: number[][] = json.data.ndarray;
    expect(p).toHaveLength(3);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(p.indexOf(Math.max(...p))).toBe(2);
  };

  it('answers the seed request with three probabilities, the largest for t:2', async () => {
    const res = await post('/api/v1.0/predictions', SEED);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expectIrisAnswer(res.json);
    expect(Object.keys(res.json).sort()).toEqual(['data', 'meta']);
  });

  it.each(['/api/v0.1/predictions', '/predict', '/seldon/default/iris-deployment/api/v1.0/predictions', '/seldon/models/iris/api/v0.1/predictions'])(
    'answers at %s too',
    async (path) => {
      const res = await post(path, SEED);
      expect(res.status).toBe(200);
      expectIrisAnswer(res.json);
    },
  );

  it('takes the payload whatever its content type', async () => {
    const res = await post('/api/v1.0/predictions', SEED, { 'content-type': 'text/plain' });
    expect(res.status).toBe(200);
    expectIrisAnswer(res.json);
  });

  it('answers a tensor with a tensor', async () => {
    const res = await post('/api/v1.0/predictions', JSON.stringify({ data: { tensor: { shape: [2, 4], values: [1, 2, 3, 4, 5.1, 3.5, 1.4, 0.2] } } }));
    expect(res.status).toBe(200);
    expect(res.json.data.names).toEqual(['t:0', 't:1', 't:2']);
    expect(res.json.data.ndarray).toBeUndefined();
    const { shape, values } = res.json.data.tensor;
    expect(shape).toEqual([2, 3]);
    expect(values).toHaveLength(6);
    expect(values[0] + values[1] + values[2]).toBeCloseTo(1, 10);
    expect(values.slice(0, 3).indexOf(Math.max(...values.slice(0, 3)))).toBe(2);
    expect(values.slice(3).indexOf(Math.max(...values.slice(3)))).toBe(0);
  });

  it('echoes the Seldon-Puid header, in the header and in meta.puid', async () => {
    const puid = '536808d3-88be-4077-9d7a-a3f162705f79';
    const res = await post('/api/v1.0/predictions', SEED, { 'content-type': 'application/json', 'Seldon-Puid': puid });
    expect(res.status).toBe(200);
    expect(res.headers.get('seldon-puid')).toBe(puid);
    expect(res.json.meta).toEqual({ puid });
  });

  it('takes the puid from meta.puid when there is no header', async () => {
    const res = await post('/api/v1.0/predictions', '{"meta":{"puid":"from-meta"},"data":{"ndarray":[[1,2,3,4]]}}');
    expect(res.headers.get('seldon-puid')).toBe('from-meta');
    expect(res.json.meta.puid).toBe('from-meta');
  });

  it('makes up a puid when the request has none, as the executor does', async () => {
    const res = await post('/api/v1.0/predictions', SEED);
    const puid = res.headers.get('seldon-puid');
    expect(puid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.json.meta.puid).toBe(puid);
  });

  it.each<[string, string, string]>([
    ['malformed JSON', '{"data": {"ndarray": [[1,2,3,4]]', 'request body is not valid JSON'],
    ['an empty body', '', 'request body is empty'],
    ['a JSON array', '[[1,2,3,4]]', 'a SeldonMessage must be a JSON object, got array'],
    ['missing data', '{"meta":{}}', 'the message has no payload'],
    ['data without ndarray', '{"data":{}}', 'data must hold one of ndarray, tensor or tftensor'],
    ['ndarray not an array', '{"data":{"ndarray":{"a":1}}}', 'data.ndarray must be an array, got object'],
    ['a flat ndarray', '{"data":{"ndarray":[1,2,3,4]}}', 'data.ndarray[0] must be a row of 4 numbers, got number'],
    ['a row of 3', '{"data":{"ndarray":[[1,2,3]]}}', 'data.ndarray[0] has 3 values; this model takes 4 features'],
    ['a row of 5', '{"data":{"ndarray":[[1,2,3,4,5]]}}', 'data.ndarray[0] has 5 values'],
    ['a non-number', '{"data":{"ndarray":[[1,2,"x",4]]}}', 'data.ndarray[0][2] must be a number, got string'],
    ['a tensor shape mismatch', '{"data":{"tensor":{"shape":[2,4],"values":[1,2,3,4]}}}', 'data.tensor.values length 4 does not match shape [2,4]'],
    ['a tensor of the wrong width', '{"data":{"tensor":{"shape":[1,3],"values":[1,2,3]}}}', 'data.tensor.shape must be [rows, 4] for this model, got [1,3]'],
    ['strData', '{"strData":"1,2,3,4"}', 'this model takes data.ndarray or data.tensor'],
    ['two payloads', '{"data":{"ndarray":[[1,2,3,4]]},"strData":"x"}', 'only one of data, strData'],
  ])('answers %s with 400 and the Seldon FAILURE body, then still serves', async (_what, body, info) => {
    const res = await post('/api/v1.0/predictions', body, { 'content-type': 'application/json', 'seldon-puid': 'bad-1' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json).toEqual({ status: { code: 400, info: expect.stringContaining(info), reason: 'MICROSERVICE_BAD_DATA', status: 'FAILURE' } });
    expect(res.headers.get('seldon-puid')).toBe('bad-1');

    const good = await post('/api/v1.0/predictions', SEED);
    expect(good.status).toBe(200);
    expectIrisAnswer(good.json);
  });

  it('answers a bad payload behind the gateway prefix the same way', async () => {
    const res = await post('/seldon/default/iris-deployment/api/v1.0/predictions', '{"data":{"ndarray":[[1]]}}');
    expect(res.status).toBe(400);
    expect(res.json.status.reason).toBe('MICROSERVICE_BAD_DATA');
  });

  it('answers unknown paths with a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['POST', '/api/v1.0/feedback'],
      ['POST', '/seldon/default/api/v1.0/predictions'],
    ]) {
      const res = await fetch(`${base}${path}`, { method, body: method === 'POST' ? SEED : undefined });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ status: 404 });
    }
  });

  it('answers other methods than POST on a prediction path with 405, as Flask does', async () => {
    const res = await fetch(`${base}/api/v1.0/predictions`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(((await res.json()) as { status: object }).status).toMatchObject({ code: 405, status: 'FAILURE' });
  });

  it('refuses gateway paths whose names are not DNS labels', async () => {
    const res = await post('/seldon/Default/Iris/api/v1.0/predictions', SEED);
    expect(res.status).toBe(404);
    expect(res.json.status).toMatchObject({ code: 404, status: 'FAILURE' });
  });

  it("serves Seldon's health endpoints and the shell's", async () => {
    const ping = await fetch(`${base}/health/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('pong');
    for (const path of ['/health/status', '/api/v1.0/health/status']) {
      const status = await fetch(`${base}${path}`);
      expect(status.status).toBe(200);
      expect(await status.json()).toEqual({ strData: 'healthy', meta: {} });
    }
    const healthz = await fetch(`${base}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toMatchObject({ status: 'ok', service: 'model-server' });
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(200);
  });

  it('keeps serving under concurrent load', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post('/api/v1.0/predictions', SEED, { 'content-type': 'application/json', 'seldon-puid': `p-${i}` })));
    answers.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(res.json.meta.puid).toBe(`p-${i}`);
      expectIrisAnswer(res.json);
    });
  });
});
