import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createEvent, eventJson, type CloudEvent } from '@seldon-eventing/cloudevents';
import { followDisplayStream } from './display-stream';
import { matchesFilter } from './event-feed';
import { composeEvent, parseExtensions } from './event-input';
import { EXIT } from './exit-codes';
import { failedStatus, predictionRows, responseFilter } from './prediction';
import { withoutDeadLetterExtensions } from '@seldon-eventing/eventing';
import { run } from './program';

/** A real HTTP server for the CLI to talk to, recording what it got. */
async function serve(handler: (req: { url: string; headers: IncomingHttpHeaders; body: string }, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler({ url: req.url ?? '/', headers: req.headers, body }, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function stop(server: Server): void {
  server.closeAllConnections();
  server.close();
}

async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await run(['node', 'seldon-eventing', ...args], { env, stdout: stdout as any, stderr: stderr as any });
  return { code, stdout: out, stderr: err };
}

const waitUntil = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('composing events', () => {
  it('takes --ext key=value pairs, values with = kept whole, and refuses a pair without a key', () => {
    expect(parseExtensions(['seldonpuid=abc', 'query=a=b'])).toEqual({ seldonpuid: 'abc', query: 'a=b' });
    expect(() => parseExtensions(['=x'])).toThrow('--ext must be key=value');
  });

  it('refuses data that is not JSON and an extension name the spec forbids, as usage errors', () => {
    expect(() => composeEvent({ type: 't', source: 's', data: '{"data":', specversion: '1.0' })).toThrow(expect.objectContaining({ exitCode: EXIT.usage, message: expect.stringContaining('--data is not valid JSON') }));
    expect(() => composeEvent({ type: 't', source: 's', ext: ['Bad-Name=1'], specversion: '1.0' })).toThrow(expect.objectContaining({ exitCode: EXIT.usage }));
  });
});

describe('send', () => {
  it('posts a binary-mode event with its extensions and token, and prints the status', async () => {
    const got: { headers: IncomingHttpHeaders; body: string }[] = [];
    const { url, server } = await serve((req, res) => (got.push(req), res.writeHead(202).end()));
    try {
      const result = await runCli(['send', '--to', url, '--type', 'seldon.iris-deployment.default.request', '--id', 'e-1', '--data', '{"data":{"ndarray":[[1,2,3,4]]}}', '--specversion', '0.3', '--ext', 'seldonpuid=p-1', '--token', 'secret']);
      expect(result).toMatchObject({ code: EXIT.ok, stdout: `202 ${url}/ id=e-1\n` });
      expect(got[0].headers).toMatchObject({ 'ce-specversion': '0.3', 'ce-id': 'e-1', 'ce-type': 'seldon.iris-deployment.default.request', 'ce-seldonpuid': 'p-1', authorization: 'Bearer secret', 'content-type': 'application/json' });
      expect(JSON.parse(got[0].body)).toEqual({ data: { ndarray: [[1, 2, 3, 4]] } });
    } finally {
      stop(server);
    }
  });

  it('sends structured mode on request, and exits 5 with the body of a refusal', async () => {
    const { url, server } = await serve((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"no"}'));
    try {
      const result = await runCli(['send', '--to', url, '--type', 't', '--mode', 'structured']);
      expect(result.code).toBe(EXIT.refused);
      expect(result.stdout).toContain('{"error":"no"}');
    } finally {
      stop(server);
    }
  });

  it('exits 4 when nothing listens, and 2 on a missing --type or an unknown --mode', async () => {
    const { url, server } = await serve(() => undefined);
    stop(server);
    expect((await runCli(['send', '--to', url, '--type', 't'])).code).toBe(EXIT.unreachable);
    expect((await runCli(['send', '--to', url])).code).toBe(EXIT.usage);
    const wrongMode = await runCli(['send', '--type', 't', '--mode', 'batch']);
    expect(wrongMode).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('Allowed choices are binary, structured') });
  });
});

describe('correlating a prediction', () => {
  const response = (extensions: Record<string, string> = {}, id = 'p-1') =>
    createEvent({ specversion: '0.3', id, type: 'seldon.iris-deployment.default.response', source: 'seldon.iris-deployment', extensions: { path: '/api/v1.0/predictions', ...extensions }, data: {} });

  it("matches only the deployment's response whose id is the request's puid", () => {
    const filter = responseFilter({ deployment: 'iris-deployment', namespace: 'default' }, 'p-1');
    expect(matchesFilter(response(), filter)).toBe(true);
    expect(matchesFilter(response({}, 'p-2'), filter)).toBe(false);
    expect(matchesFilter(response(), responseFilter({ deployment: 'iris-deployment', namespace: 'other' }, 'p-1'))).toBe(false);
  });

  it('tells a failed prediction by its seldonstatus', () => {
    expect(failedStatus(response({ seldonstatus: '400' }))).toBe('400');
    expect(failedStatus(response())).toBeUndefined();
  });

  it('reads classes and probabilities from Seldon v1, V2 and TensorFlow answers', () => {
    const p = [0.1, 0.2, 0.7];
    const named = [{ name: 't:0', value: 0.1 }, { name: 't:1', value: 0.2 }, { name: 't:2', value: 0.7 }];
    const indexed = named.map((c, i) => ({ ...c, name: String(i) }));
    expect(predictionRows({ data: { names: ['t:0', 't:1', 't:2'], ndarray: [p] } })).toEqual([named]);
    expect(predictionRows({ data: { names: ['t:0', 't:1', 't:2'], tensor: { shape: [1, 3], values: p } } })).toEqual([named]);
    expect(predictionRows({ model_name: 'classifier', outputs: [{ name: 'predict_proba', shape: [1, 3], datatype: 'FP64', data: p }] })).toEqual([indexed]);
    expect(predictionRows({ predictions: [p] })).toEqual([indexed]);
    expect(predictionRows({ status: { code: 400 } })).toBeUndefined();
    expect(predictionRows({ data: { ndarray: [['a']] } })).toBeUndefined();
  });
});

describe('replay', () => {
  it('re-sends the letters of a JSON-lines file without their knativeerror* extensions', async () => {
    const got: IncomingHttpHeaders[] = [];
    const { url, server } = await serve((req, res) => (got.push(req.headers), res.writeHead(202).end()));
    const letter = createEvent({ id: 'l-1', type: 'seldon.m.default.request', source: 's', data: { x: 1 }, extensions: { knativeerrorcode: '502', knativeerrordest: 'http://x', knativeerrordata: 'ZQ==', seldonpuid: 'l-1' } });
    const file = require('node:path').join(require('node:os').tmpdir(), `letters-${process.pid}.jsonl`);
    require('node:fs').writeFileSync(file, `${JSON.stringify(eventJson(letter))}\n\n${JSON.stringify(eventJson({ ...letter, id: 'l-2' }))}\n`);
    try {
      const result = await runCli(['replay', '--file', file, '--to', url]);
      expect(result).toMatchObject({ code: EXIT.ok, stdout: `replayed 2 of 2 to ${url}/\n` });
      expect(got.map((h) => h['ce-id'])).toEqual(['l-1', 'l-2']);
      expect(Object.keys(got[0]).filter((h) => h.startsWith('ce-knativeerror'))).toEqual([]);
      expect(got[0]['ce-seldonpuid']).toBe('l-1');
    } finally {
      stop(server);
    }
    expect(withoutDeadLetterExtensions(letter).extensions).toEqual({ seldonpuid: 'l-1' });
  });

  it('names the line that is not an event', async () => {
    const file = require('node:path').join(require('node:os').tmpdir(), `bad-${process.pid}.jsonl`);
    require('node:fs').writeFileSync(file, '{"specversion":"1.0"}\n');
    expect(await runCli(['replay', '--file', file])).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining(`${file}:1: not a CloudEvent`) });
  });
});

describe("following event-display's stream", () => {
  const message = (seq: number, id: string) =>
    `id: ${seq}\ndata: ${JSON.stringify(eventJson(createEvent({ id, type: 'seldon.iris-deployment.default.response', source: 'seldon.iris-deployment', data: { n: seq } })))}\n\n`;

  it('delivers each event once, and resumes with Last-Event-ID after the connection drops', async () => {
    const requests: { url: string; lastEventId?: string }[] = [];
    const { url, server } = await serve((req, res) => {
      requests.push({ url: req.url, lastEventId: req.headers['last-event-id'] as string | undefined });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (requests.length === 1) res.end(`retry: 10\n: keep-alive\n\n${message(1, 'a')}${message(2, 'b')}`);
      else res.write(message(3, 'c'));
    });
    const seen: CloudEvent[] = [];
    const feed = await followDisplayStream(url, { type: 'seldon.iris-deployment.default.response' }, (e) => seen.push(e));
    try {
      await waitUntil(() => seen.length === 3, 'three events');
      expect(seen.map((e) => e.id)).toEqual(['a', 'b', 'c']);
      expect(requests).toEqual([
        { url: '/events/stream?type=seldon.iris-deployment.default.response', lastEventId: undefined },
        { url: '/events/stream?type=seldon.iris-deployment.default.response', lastEventId: '2' },
      ]);
    } finally {
      await feed.close();
      stop(server);
    }
  });

  it('is an unreachable error when event-display has no stream', async () => {
    const { url, server } = await serve((_req, res) => res.writeHead(404).end('Cannot GET /events/stream'));
    try {
      await expect(followDisplayStream(url, {}, () => undefined)).rejects.toMatchObject({ exitCode: EXIT.unreachable, message: expect.stringContaining('answered 404') });
    } finally {
      stop(server);
    }
  });
});
