import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { BACKENDS, expectSeedResponse, post, SEED_PAYLOAD, seedHeaders, startFlow, waitForResponse, type Flow } from './support/flow';

/** Sends raw bytes, with headers exactly as given (fetch would normalize or refuse some). */
function raw(url: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; body: string; contentType?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), contentType: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const structured = { 'content-type': 'application/cloudevents+json' };
const validStructured = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ specversion: '1.0', id: randomUUID(), source: 'e2e/hostile', type: 'seldon.iris-deployment.default.request', data: { data: { ndarray: [[1, 2, 3, 4]] } }, ...extra });

/** Every kind of bad request gets a 4xx with a JSON reason, and the next valid event still flows. */
describe.each(BACKENDS)('hostile input on the %s backend', (backend) => {
  let flow: Flow;

  beforeAll(async () => {
    flow = await startFlow(backend, { MAX_BODY_BYTES: String(64 * 1024) });
  });

  afterAll(async () => {
    await flow?.stop();
  });

  const corpus: [string, Record<string, string>, Buffer | string, number, RegExp][] = [
    ['malformed JSON', structured, '{"specversion":', 400, /JSON/i],
    ['a truncated body', structured, validStructured().slice(0, 40), 400, /JSON/i],
    ['a JSON array in structured mode', structured, '[1,2,3]', 400, /object/i],
    ['an empty id', structured, validStructured({ id: '' }), 400, /\bid\b/],
    ['a numeric source', structured, validStructured({ source: 7 }), 400, /source/],
    ['specversion 0.2', structured, validStructured({ specversion: '0.2' }), 400, /specversion/],
    ['an upper-case extension name', seedHeaders({ 'ce-Bad_Name': 'x' }), SEED_PAYLOAD, 400, /extension|bad_name/i],
    ['an object-valued extension', structured, validStructured({ myext: { a: 1 } }), 400, /myext/],
    ['data and data_base64 together', structured, validStructured({ data_base64: 'AAAA' }), 400, /data/],
    ['invalid UTF-8 in a header', { ...seedHeaders(), 'ce-source': '%FF%FE' }, SEED_PAYLOAD, 400, /UTF-8|source/i],
    ['invalid UTF-8 in a structured body', structured, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, /UTF-8|JSON/i],
    ['deeply nested JSON', structured, '['.repeat(20_000) + ']'.repeat(20_000), 400, /.+/],
    ['an oversized body', seedHeaders(), Buffer.alloc(100 * 1024, 'a'), 413, /limit/],
    ['a wrong content type with no CloudEvent headers', { 'content-type': 'text/plain' }, 'hello', 400, /CloudEvent/],
  ];

  it.each(corpus)('answers %s with a JSON reason', async (_name, headers, body, status, reason) => {
    for (const entry of [...new Set([flow.entry, flow.ingress])]) {
      const answer = await raw(`${entry}/`, headers, body);
      expect({ entry, status: answer.status }).toEqual({ entry, status });
      expect(answer.contentType).toMatch(/application\/json/);
      expect(JSON.parse(answer.body).error).toMatch(reason);
    }
  });

  it('answers too many headers without falling over', async () => {
    const headers: Record<string, string> = seedHeaders();
    for (let i = 0; i < 3000; i++) headers[`x-h${i}`] = 'v';
    for (const entry of [...new Set([flow.entry, flow.ingress])]) {
      const answer = await raw(`${entry}/`, headers, SEED_PAYLOAD).catch(() => ({ status: 431, body: '' }));
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
  });

  it('never lets an event choose where it is sent', async () => {
    // Addressing attributes an attacker might try: they are data, not routing.
    const puid = randomUUID();
    const sent = await post(
      `${flow.entry}/`,
      seedHeaders({ 'Ce-Seldonpuid': puid, 'ce-knativeerrordest': 'http://169.254.169.254/', 'ce-sink': 'http://127.0.0.1:1/', 'ce-path': '/admin' }),
      SEED_PAYLOAD,
    );
    expect(sent.status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid));
  });

  it('keeps serving valid events after all of it', async () => {
    const puid = randomUUID();
    expect((await post(`${flow.entry}/`, seedHeaders({ 'Ce-Seldonpuid': puid }), SEED_PAYLOAD)).status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid));
    for (const service of Object.values(flow.services)) expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });
});
