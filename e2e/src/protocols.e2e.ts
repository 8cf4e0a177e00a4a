import { randomUUID } from 'node:crypto';
import { BACKENDS, post, startFlow, waitForResponse, type Flow } from './support/flow';
import { entriesOf, sendThrough, type Entry } from './support/entries';

/**
 * Every protocol a SeldonDeployment speaks (`spec.protocol`), end to end against the embedded
 * model-server, on both backends and through every entry: a request event's data is that
 * protocol's request, and the response event's data is the model-server's own answer to the same
 * body, `path` the protocol's path. A body of another protocol is refused at the ingress-adapter
 * with 400 naming the protocol; through the broker it reaches the predictor, and its refusal comes
 * back as a response event marked failed (`seldonstatus`).
 */

interface Protocol {
  protocol: string;
  deployment: string;
  /** The predictor path, as the response event's `path` names it. */
  path: string;
  body: (puid: string) => string;
}

const ROWS = [
  [1, 2, 3, 4],
  [6.2, 3.4, 5.4, 2.3],
];

const PROTOCOLS: Protocol[] = [
  { protocol: 'seldon', deployment: 'iris-deployment', path: '/api/v1.0/predictions', body: () => JSON.stringify({ data: { ndarray: ROWS } }) },
  { protocol: 'tensorflow', deployment: 'iris-tf', path: '/v1/models/classifier:predict', body: () => JSON.stringify({ instances: ROWS }) },
  {
    protocol: 'v2',
    deployment: 'iris-v2',
    path: '/v2/models/classifier/infer',
    // The id makes the model-server's answer the same whoever calls it.
    body: (puid) => JSON.stringify({ id: puid, inputs: [{ name: 'predict', shape: [2, 4], datatype: 'FP32', data: ROWS.flat() }] }),
  },
];

/** A V2 request without the optional id, so that a v1 predictor names `inputs` as what it does not take. */
const V2_BODY = JSON.stringify({ inputs: [{ name: 'predict', shape: [2, 4], datatype: 'FP32', data: ROWS.flat() }] });

describe.each(BACKENDS)('protocols on the %s backend', (backend) => {
  let flow: Flow;
  let modelServer: string;

  beforeAll(async () => {
    flow = await startFlow(backend);
    modelServer = flow.services['model-server'].url;
  });

  afterAll(async () => {
    await flow?.stop();
  });

  const entries = entriesOf(backend);

  const send = (entry: Entry, p: Pick<Protocol, 'deployment' | 'path'>, puid: string, body: string) => sendThrough(flow, entry, p, puid, body);

  describe.each(PROTOCOLS)('protocol $protocol ($deployment)', (p) => {
    it.each(entries)("answers a request sent to the %s with the model-server's own answer", async (entry) => {
      const puid = randomUUID();
      const body = p.body(puid);
      const sent = await send(entry, p, puid, body);
      expect(sent.status).toBe(202);

      const event = await waitForResponse(flow, puid);
      const direct = await post(`${modelServer}${p.path}`, { 'content-type': 'application/json', 'seldon-puid': puid }, body);
      expect(direct.status).toBe(200);
      expect(event).toMatchObject({ id: puid, type: `seldon.${p.deployment}.default.response`, source: `seldon.${p.deployment}`, path: p.path });
      expect(event.seldonstatus).toBeUndefined();
      expect(event.datacontenttype).toMatch(/^application\/json/);
      expect(event.data).toEqual(direct.json);
    });
  });

  describe('a body of another protocol', () => {
    const v1 = PROTOCOLS[0];

    it('is refused at the ingress CloudEvents entry with 400 naming the protocol and the field', async () => {
      const answer = await send('ingress CloudEvents', v1, randomUUID(), V2_BODY);
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatch(/: invalid seldon request: unknown field 'inputs'/);
    });

    it('is refused at the ingress REST entry with 400 naming the protocol and the field', async () => {
      const answer = await send('ingress REST', v1, randomUUID(), V2_BODY);
      expect(answer).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^invalid seldon request: unknown field 'inputs'/) } });
      const v1Body = await send('ingress REST', PROTOCOLS[2], randomUUID(), v1.body(''));
      expect(v1Body).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^invalid v2 request: inputs is required/) } });
    });

    it("is refused at another protocol's REST path with 404 naming the path the deployment answers", async () => {
      const answer = await post(`${flow.ingress}/seldon/default/iris-v2/api/v1.0/predictions`, { 'content-type': 'application/json' }, v1.body(''));
      expect(answer.status).toBe(404);
      expect(answer.json.error).toContain('deployment default/iris-v2 speaks protocol v2: it answers /seldon/default/iris-v2/v2/models/classifier/infer');
    });

    if (backend === 'knative') {
      it.each([
        ['a V2 body to the v1 deployment', v1, V2_BODY, '400', (data: any) => expect(data.status).toMatchObject({ code: 400, status: 'FAILURE', info: expect.stringContaining("unknown field 'inputs'") })],
        ['a v1 body to the V2 deployment', PROTOCOLS[2], v1.body(''), '422', (data: any) => expect(data).toEqual({ error: expect.stringContaining('inputs is required') })],
        ['a V2 body to the TensorFlow deployment', PROTOCOLS[1], V2_BODY, '400', (data: any) => expect(data).toEqual({ error: expect.stringContaining('inputs[0] must be a number') })],
      ])("through the broker, %s comes back as a response event marked failed, carrying the predictor's error", async (_what, p, body, status, expectError) => {
        const puid = randomUUID();
        expect((await send('broker', p, puid, body)).status).toBe(202);
        const event = await waitForResponse(flow, puid);
        expect(event).toMatchObject({ id: puid, type: `seldon.${p.deployment}.default.response`, path: p.path, seldonstatus: status });
        expectError(event.data);
      });
    }
  });
});
