import { randomUUID } from 'node:crypto';
import { BACKENDS, expectSeedResponse, PORT_BASE, SEED_PAYLOAD, startFlow, waitForResponse, type Flow, type ServiceHandle } from './support/flow';
const { SERVICES, ServiceProcess } = require('../../tools/run/services.js');

const PATH = '/seldon/default/iris-deployment/api/v1.0/predictions';

/** A request at the ingress-adapter's Seldon REST path; the raw answer, headers included. */
async function predict(ingress: string, headers: Record<string, string>): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(`${ingress}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: SEED_PAYLOAD });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

/** The answer as the response event it is: its attributes from the Ce- headers, its data the body. */
function asEvent(answer: { headers: Headers; json: any }): Record<string, any> {
  const event: Record<string, any> = { data: answer.json, datacontenttype: answer.headers.get('content-type') };
  answer.headers.forEach((value, name) => {
    if (name.startsWith('ce-')) event[name.slice(3)] = value;
  });
  return event;
}

/**
 * Request/reply over the bus (RFC 7240 `Prefer: wait`), on both backends: a Seldon REST request
 * that asks to wait is answered with its prediction, as Seldon's own REST API answers, while its
 * events flow through the bus to every other Trigger; one whose predictor is down is answered 504
 * with its puid, and its response event still arrives once the predictor is back.
 */
describe.each(BACKENDS)('request/reply on the %s backend', (backend) => {
  let flow: Flow;

  beforeAll(async () => {
    flow = await startFlow(backend);
  });

  afterAll(async () => {
    await flow?.stop();
  });

  it('answers a request with the wait preference with its prediction, and the response event still reaches event-display', async () => {
    const puid = randomUUID();
    const answer = await predict(flow.ingress, { prefer: 'wait=10', 'seldon-puid': puid });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('preference-applied')).toBe('wait');
    const replied = asEvent(answer);
    expectSeedResponse(replied);
    expect(replied.id).toBe(puid);

    const displayed = await waitForResponse(flow, puid);
    expect(displayed.data).toEqual(answer.json);
  });

  it('answers 202 as before without the preference', async () => {
    const answer = await predict(flow.ingress, {});
    expect(answer.status).toBe(202);
    expect(answer.headers.get('preference-applied')).toBeNull();
    expect(answer.json).toEqual({ id: expect.any(String) });
  });

  it('answers 504 with the puid while the predictor is down, and the response event arrives once it is back', async () => {
    const model = flow.services['model-server'];
    await model.kill();
    try {
      const answer = await predict(flow.ingress, { prefer: 'wait=2' });
      expect(answer.status).toBe(504);
      expect(answer.headers.get('preference-applied')).toBe('wait');
      expect(answer.json).toMatchObject({ status: 504, puid: expect.any(String), id: expect.any(String) });
      expect(answer.json.error).toContain(`no response event for puid ${answer.json.puid} within 2 s`);

      await model.start();
      expectSeedResponse(await waitForResponse(flow, answer.json.puid, 60_000));
    } finally {
      if (!model.alive) await model.start();
    }
  });

  if (backend === 'kafka') {
    describe('with two replicas of the ingress-adapter', () => {
      let second: ServiceHandle;

      beforeAll(async () => {
        const adapter = SERVICES.find((s: { name: string }) => s.name === 'ingress-adapter');
        const env = { ...flow.env, INGRESS_ADAPTER_PORT: String(PORT_BASE.kafka + 93) };
        second = await new ServiceProcess(adapter, env, (name: string, line: string) => flow.logs.push(`${name}#2 | ${line}`)).start();
      });

      afterAll(async () => {
        await second?.stop();
      });

      it('answers the requests each replica holds: every replica reads every response event', async () => {
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) => predict(i % 2 === 0 ? flow.ingress : second.url, { prefer: 'wait=10', 'seldon-puid': randomUUID() })),
        );
        expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
        for (const answer of answers) expectSeedResponse(asEvent(answer));
      });
    });
  }
});
