import { randomUUID } from 'node:crypto';
import {
  BACKENDS,
  clearDisplay,
  expectSeedResponse,
  post,
  SEED_PAYLOAD,
  seedHeaders,
  startFlow,
  waitForDisplayed,
  waitForResponse,
  type Flow,
} from './support/flow';

/**
 * The seed scenario end to end, the same assertions on every backend: real services as separate
 * processes, real HTTP, real Kafka.
 */
describe.each(BACKENDS)('the seed flow on the %s backend', (backend) => {
  let flow: Flow;

  beforeAll(async () => {
    flow = await startFlow(backend);
  });

  afterAll(async () => {
    await flow?.stop();
  });

  it('answers the seed curl with 202 and shows the standardized response event on event-display', async () => {
    await clearDisplay(flow);
    const sent = await post(`${flow.entry}/`, seedHeaders(), SEED_PAYLOAD);
    expect(sent.status).toBe(202);

    const [response] = await waitForDisplayed(flow, (events) => events.length > 0, 20_000, '?type=seldon.iris-deployment.default.response');
    expectSeedResponse(response);
    expect(Date.parse(response.knativearrivaltime)).toBeGreaterThan(Date.now() - 60_000);
    // Printed the way Knative's event_display prints it.
    const printed = flow.logs.filter((l) => l.startsWith('event-display')).join('\n');
    expect(printed).toContain('☁️  cloudevents.Event');
    expect(printed).toContain('  type: seldon.iris-deployment.default.response');
    expect(printed).toContain('  source: seldon.iris-deployment');
    expect(printed).toContain('  path: /api/v1.0/predictions');
  });

  it('uses the request Seldon-Puid as the response id', async () => {
    const puid = randomUUID();
    expect((await post(`${flow.entry}/`, seedHeaders({ 'Ce-Seldonpuid': puid }), SEED_PAYLOAD)).status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid));
  });

  it('accepts the broker URL form POST /default/default', async () => {
    const puid = randomUUID();
    expect((await post(`${flow.entry}/default/default`, seedHeaders({ 'Ce-Seldonpuid': puid }), SEED_PAYLOAD)).status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid));
  });

  it('accepts a 1.0 structured-mode event', async () => {
    const puid = randomUUID();
    const event = {
      specversion: '1.0',
      id: randomUUID(),
      type: 'seldon.iris-deployment.default.request',
      source: 'e2e/structured',
      datacontenttype: 'application/json',
      seldonpuid: puid,
      data: { data: { ndarray: [[1, 2, 3, 4]] } },
    };
    const sent = await post(`${flow.entry}/`, { 'content-type': 'application/cloudevents+json' }, JSON.stringify(event));
    expect(sent.status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid));
  });

  it('takes CloudEvents and plain Seldon REST through the ingress adapter', async () => {
    const puids = [randomUUID(), randomUUID(), randomUUID()];
    const root = await post(`${flow.ingress}/`, seedHeaders({ 'Ce-Seldonpuid': puids[0] }), SEED_PAYLOAD);
    expect(root.status).toBe(202);
    expect(root.json.id).toEqual(expect.any(String));
    expect((await post(`${flow.ingress}/default/default`, seedHeaders({ 'Ce-Seldonpuid': puids[1] }), SEED_PAYLOAD)).status).toBe(202);
    const rest = await post(
      `${flow.ingress}/seldon/default/iris-deployment/api/v1.0/predictions`,
      { 'content-type': 'application/json', 'seldon-puid': puids[2] },
      SEED_PAYLOAD,
    );
    expect(rest.status).toBe(202);
    for (const puid of puids) expectSeedResponse(await waitForResponse(flow, puid));
  });

  it('takes a batch of events through the ingress adapter', async () => {
    const puids = [randomUUID(), randomUUID()];
    const batch = puids.map((puid) => ({
      specversion: '1.0',
      id: randomUUID(),
      type: 'seldon.iris-deployment.default.request',
      source: 'e2e/batch',
      seldonpuid: puid,
      data: { data: { ndarray: [[1, 2, 3, 4]] } },
    }));
    const sent = await post(`${flow.ingress}/`, { 'content-type': 'application/cloudevents-batch+json' }, JSON.stringify(batch));
    expect(sent.status).toBe(202);
    expect(sent.json.ids).toEqual(batch.map((e) => e.id));
    for (const puid of puids) expectSeedResponse(await waitForResponse(flow, puid));
  });

  it('routes an override-URI Trigger to the predictor path it names', async () => {
    const puid = randomUUID();
    const sent = await post(`${flow.entry}/`, seedHeaders({ 'Ce-Type': 'seldon.iris-override.default.request', 'Ce-Seldonpuid': puid }), SEED_PAYLOAD);
    expect(sent.status).toBe(202);
    expectSeedResponse(await waitForResponse(flow, puid), '/seldon/default/iris-deployment/api/v1.0/predictions');
  });

  describe('bad input', () => {
    const entries = () => [...new Set([flow.entry, flow.ingress])];

    it.each([
      ['malformed structured JSON', { 'content-type': 'application/cloudevents+json' }, '{"specversion": "1.0", ', 400, /JSON/i],
      ['a missing id', seedHeaders({ 'Ce-Id': '' }), SEED_PAYLOAD, 400, /\bid\b/],
      ['a missing source', { ...seedHeaders(), 'Ce-Source': '' }, SEED_PAYLOAD, 400, /source/],
      ['a missing type', { ...seedHeaders(), 'Ce-Type': '' }, SEED_PAYLOAD, 400, /type/],
      ['an unknown specversion', seedHeaders({ 'Ce-specversion': '2.0' }), SEED_PAYLOAD, 400, /specversion/],
      ['no CloudEvent at all', { 'content-type': 'application/json' }, SEED_PAYLOAD, 400, /CloudEvent|specversion/],
    ])('answers %s with a JSON reason', async (_name, headers, body, status, reason) => {
      for (const entry of entries()) {
        const answer = await post(`${entry}/`, headers as Record<string, string>, body as string);
        expect({ entry, status: answer.status }).toEqual({ entry, status });
        expect(answer.json.error).toMatch(reason);
      }
    });

    it('answers a wrong method with 405 and Allow, OPTIONS with 200', async () => {
      for (const entry of entries()) {
        const get = await fetch(`${entry}/default/default`);
        expect(get.status).toBe(405);
        expect(get.headers.get('allow')).toBe('POST, OPTIONS');
        expect(((await get.json()) as { error: string }).error).toMatch(/GET/);
        expect((await fetch(`${entry}/`, { method: 'OPTIONS' })).status).toBe(200);
      }
    });

    it('answers an unknown broker with 404', async () => {
      for (const entry of entries()) {
        const answer = await post(`${entry}/nowhere/nobroker`, seedHeaders(), SEED_PAYLOAD);
        expect(answer.status).toBe(404);
        expect(answer.json.error).toMatch(/nowhere\/nobroker/);
      }
    });

    it('refuses an invalid Seldon payload at the ingress adapter', async () => {
      const answer = await post(`${flow.ingress}/seldon/default/iris-deployment/api/v1.0/predictions`, { 'content-type': 'application/json' }, '{"data": {"ndarray": 7}}');
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatch(/ndarray/);
    });

    it('keeps serving the flow afterwards', async () => {
      const puid = randomUUID();
      expect((await post(`${flow.entry}/`, seedHeaders({ 'Ce-Seldonpuid': puid }), SEED_PAYLOAD)).status).toBe(202);
      expectSeedResponse(await waitForResponse(flow, puid));
    });
  });
});
