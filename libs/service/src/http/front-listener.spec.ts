import { createServer, request, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { frontListener } from './front-listener';
import { sendJson, type RawRequest, type RawRoute } from './raw-route';
import type { RequestGate } from './request-gate';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
}

/** One request over a real connection; the body may be written in several chunks. */
function send(server: Server, method: string, path: string, chunks: Buffer[] = [], headers: Record<string, string | number> = {}): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text && res.headers['content-type']?.startsWith('application/json') ? JSON.parse(text) : text });
      });
    });
    // A server that answers early and closes may cut the upload short: the answer is what counts.
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('the front listener', () => {
  let server: Server;
  const seen: RawRequest[] = [];
  let closed = false;
  const frameworkPaths: string[] = [];
  const framework: RequestListener = (req, res) => {
    frameworkPaths.push(req.url ?? '');
    sendJson(res, 404, { error: `Cannot ${req.method} ${req.url}`, status: 404 });
  };
  const echo: RawRoute = {
    serves: (path) => path === '/events',
    handle: (request, res) => {
      seen.push(request);
      sendJson(res, 202, { bytes: request.body.length });
    },
  };
  const broken: RawRoute = {
    serves: (path) => path === '/broken',
    handle: async () => {
      throw new Error('handler bug');
    },
  };
  const shutdown: RequestGate = () => (closed ? { status: 503, error: 'shutting down; retry later', headers: { connection: 'close' } } : undefined);
  const auth: RequestGate = ({ headers }) => (headers.authorization === 'Bearer ok' ? undefined : { status: 401, error: 'missing bearer token' });

  beforeAll(async () => {
    Logger.overrideLogger(['fatal']); // the failing route's stack is expected
    server = createServer(frontListener([shutdown, auth], [echo, broken], 1024, framework));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise((r) => server.close(r)));
  const ok = { authorization: 'Bearer ok' };

  it('gives a raw route the whole body, the path without its query, and the headers', async () => {
    const answer = await send(server, 'POST', '/events?x=1', [Buffer.from('{"a":'), Buffer.from('1}')], { ...ok, 'content-type': 'application/json' });
    expect(answer).toMatchObject({ status: 202, body: { bytes: 7 } });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', path: '/events', body: Buffer.from('{"a":1}') });
    expect(seen.at(-1)?.headers['content-type']).toBe('application/json');
  });

  it('hands every path no raw route serves to the framework, query included', async () => {
    const answer = await send(server, 'GET', '/nope?y=2', [], ok);
    expect(answer).toMatchObject({ status: 404, body: { error: 'Cannot GET /nope?y=2', status: 404 } });
    expect(frameworkPaths.at(-1)).toBe('/nope?y=2');
  });

  it('answers the first gate that refuses, as JSON, before any route or the framework sees the request', async () => {
    const before = seen.length;
    const answer = await send(server, 'POST', '/events', [Buffer.from('{}')]);
    expect(answer).toMatchObject({ status: 401, body: { error: 'missing bearer token', status: 401 } });
    expect(seen.length).toBe(before);
  });

  it('lets health checks through whatever the gates say', async () => {
    const answer = await send(server, 'GET', '/healthz');
    expect(answer.status).toBe(404); // the fake framework's answer: it was reached
    expect(frameworkPaths.at(-1)).toBe('/healthz');
  });

  it('refuses a body over the limit with 413 and closes the connection, whether declared or streamed', async () => {
    const declared = await send(server, 'POST', '/events', [Buffer.alloc(2048, 'a')], { ...ok, 'content-length': 2048 });
    expect(declared).toMatchObject({ status: 413, body: { error: 'request body exceeds the limit of 1024 bytes', status: 413 } });
    expect(declared.headers.connection).toBe('close');
    const streamed = await send(server, 'POST', '/events', [Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b')], { ...ok, 'transfer-encoding': 'chunked' });
    expect(streamed).toMatchObject({ status: 413, body: { status: 413 } });
    // and still serves
    expect(await send(server, 'POST', '/events', [Buffer.alloc(1024, 'a')], ok)).toMatchObject({ status: 202, body: { bytes: 1024 } });
  });

  it('answers a route that fails with a JSON 500, and keeps serving', async () => {
    expect(await send(server, 'POST', '/broken', [Buffer.from('x')], ok)).toMatchObject({ status: 500, body: { error: 'internal error', status: 500 } });
    expect(await send(server, 'POST', '/events', [Buffer.from('x')], ok)).toMatchObject({ status: 202 });
  });

  it('answers 503 with Connection: close once stopping, health checks aside', async () => {
    closed = true;
    try {
      const refused = await send(server, 'POST', '/events', [Buffer.from('x')], ok);
      expect(refused).toMatchObject({ status: 503, body: { error: 'shutting down; retry later' } });
      expect(refused.headers.connection).toBe('close');
      expect((await send(server, 'GET', '/readyz')).status).toBe(404);
    } finally {
      closed = false;
    }
  });
});
