import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, type CloudEvent } from '@seldon-eventing/cloudevents';
import { AddressMap, EventingConfig, loadManifests, SubscriberResolver } from '@seldon-eventing/eventing';
import { frontListener, type RawRoute } from '@seldon-eventing/service';
import { Topology } from '@seldon-eventing/topology';
import { PublishError, type BrokerRef, type Bus } from '@seldon-eventing/transport';
import { FrontDoor, INGRESS_SOURCE } from './front-door';
import { ingressRoute } from './ingress.route';
import { ReplyWaiter } from './reply-waiter';

const MANIFESTS = `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: default, namespace: default }
---
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: ml, namespace: models }
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: { name: iris-deployment, namespace: default }
spec: { protocol: seldon, predictors: [{ name: default, graph: { name: classifier } }] }
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: { name: iris-v2, namespace: default }
spec: { protocol: kfserving, predictors: [{ name: default, graph: { name: classifier } }] }
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: { name: iris-tf, namespace: default }
spec: { protocol: tensorflow, predictors: [{ name: default, graph: { name: classifier } }] }
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: iris-kserve, namespace: default }
spec: { predictor: { model: { modelFormat: { name: sklearn } } } }
status: { address: { url: "http://iris-kserve.default.svc.cluster.local" } }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: iris-kserve, namespace: default }
spec:
  broker: default
  filter: { attributes: { type: io.kserve.inference.request, subject: iris-kserve } }
  subscriber: { ref: { apiVersion: serving.kserve.io/v1beta1, kind: InferenceService, name: iris-kserve } }
`;

const V2_PAYLOAD = '{"inputs":[{"name":"predict","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}';
const TF_PAYLOAD = '{"instances":[[5.1,3.5,1.4,0.2]]}';

const PAYLOAD = '{"data":{"ndarray":[[5.1,3.5,1.4,0.2]]}}';

/** A bus that records what it is given and refuses what `refusal` says it should. */
class RecordingBus implements Pick<Bus, 'publish' | 'backend'> {
  readonly backend = 'knative';
  readonly published: { event: CloudEvent; broker?: BrokerRef }[] = [];
  refusal: (event: CloudEvent) => Error | undefined = () => undefined;

  async publish(event: CloudEvent, broker?: BrokerRef): Promise<void> {
    const refused = this.refusal(event);
    if (refused) throw refused;
    this.published.push({ event, broker });
  }
}

/** Serves one raw route on a real HTTP server, through the service's own front listener. */
async function serveRoute(route: RawRoute): Promise<{ url: string; server: Server }> {
  const server = createServer(frontListener([], [route], 1 << 20, (_req, res) => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const binary = (id: string, type = 'test.front', extra: Record<string, string> = {}) => ({
  'ce-specversion': '1.0',
  'ce-id': id,
  'ce-source': 'tests/front-door',
  'ce-type': type,
  'content-type': 'application/json',
  ...extra,
});

const batch = (...ids: string[]) => JSON.stringify(ids.map((id) => ({ specversion: '1.0', id, source: 'tests/front-door', type: 'test.front', data: { n: id } })));

describe('ingress adapter front door', () => {
  const bus = new RecordingBus();
  const replies = new ReplyWaiter();
  const defaultBroker = { namespace: 'default', name: 'default' };
  let url: string;
  let server: Server;
  let door: FrontDoor;

  beforeAll(async () => {
    const config = EventingConfig.fromManifests(loadManifests(MANIFESTS));
    const topology = new Topology(config, AddressMap.empty(), new SubscriberResolver(config), { selfConsuming: [], serviceNamespace: 'default', clusterDomain: 'cluster.local' });
    door = new FrontDoor(topology, bus);
    ({ url, server } = await serveRoute(ingressRoute(door, defaultBroker, replies, 1)));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    bus.published.length = 0;
    bus.refusal = () => undefined;
  });

  const post = async (path: string, headers: Record<string, string>, body: string) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  describe('CloudEvents', () => {
    it('publishes a binary-mode event to the broker its path names, and answers 202 with its id', async () => {
      const answer = await post('/models/ml', binary('e-1'), '{"x":1}');
      expect(answer).toEqual({ status: 202, json: { id: 'e-1' } });
      expect(bus.published).toHaveLength(1);
      expect(bus.published[0].broker).toEqual({ namespace: 'models', name: 'ml' });
      expect(bus.published[0].event).toMatchObject({ id: 'e-1', type: 'test.front', source: 'tests/front-door' });
      expect(bus.published[0].event.data?.toString()).toBe('{"x":1}');
    });

    it('answers 404 for a broker the configuration does not know, publishing nothing', async () => {
      const answer = await post('/models/nope', binary('e-2'), '{}');
      expect(answer).toEqual({ status: 404, json: { status: 404, error: 'broker models/nope does not exist' } });
      expect(bus.published).toEqual([]);
    });

    it('answers 400 with the reason for an invalid CloudEvent', async () => {
      const { 'ce-id': _id, ...noId } = binary('e-3');
      const answer = await post('/', noId, '{}');
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatch(/\bid\b/);
      expect(bus.published).toEqual([]);
    });

    it('publishes a batch in order and answers with every id', async () => {
      const answer = await post('/', { 'content-type': 'application/cloudevents-batch+json' }, batch('b-1', 'b-2', 'b-3'));
      expect(answer).toEqual({ status: 202, json: { ids: ['b-1', 'b-2', 'b-3'] } });
      expect(bus.published.map((p) => p.event.id)).toEqual(['b-1', 'b-2', 'b-3']);
      expect(bus.published.every((p) => p.broker?.name === 'default')).toBe(true);
    });

    it('refuses an empty batch', async () => {
      const answer = await post('/', { 'content-type': 'application/cloudevents-batch+json' }, '[]');
      expect(answer).toEqual({ status: 400, json: { status: 400, error: 'the batch holds no events' } });
    });

    it('refuses a Seldon request event whose data is no valid Seldon message, before publishing anything', async () => {
      const answer = await post('/', binary('s-1', 'seldon.iris.default.request'), '{"data":{"ndarray":7}}');
      expect(answer.status).toBe(400);
      expect(answer.json.error).toBe('event s-1: invalid seldon request: data.ndarray must be an array, got number');
      expect(bus.published).toEqual([]);
    });

    it('passes a Seldon request event with a valid message', async () => {
      const answer = await post('/', binary('s-2', 'seldon.iris.default.request'), PAYLOAD);
      expect(answer.status).toBe(202);
      expect(bus.published.map((p) => p.event.id)).toEqual(['s-2']);
    });
  });

  describe('requests for a KServe InferenceService', () => {
    const kserve = (id: string, subject = 'iris-kserve') => binary(id, 'io.kserve.inference.request', { 'ce-subject': subject });

    it("refuses an event its Trigger's filter sends to an InferenceService when the body is not of its protocol (v1: TF-style)", async () => {
      const answer = await post('/', kserve('k-1'), V2_PAYLOAD);
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatch(/^event k-1: invalid tensorflow request: /);
      expect(bus.published).toEqual([]);
    });

    it('passes a valid body, and leaves alone an event no InferenceService Trigger matches', async () => {
      expect((await post('/', kserve('k-2'), TF_PAYLOAD)).status).toBe(202);
      expect((await post('/', kserve('k-3', 'another-model'), V2_PAYLOAD)).status).toBe(202);
      expect((await post('/models/ml', kserve('k-4'), V2_PAYLOAD)).status).toBe(202);
      expect(bus.published.map((p) => p.event.id)).toEqual(['k-2', 'k-3', 'k-4']);
    });
  });

  describe('request/reply (Prefer: wait)', () => {
    const path = '/seldon/default/iris-deployment/api/v1.0/predictions';
    const answer = '{"data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.1,0.2,0.7]]},"meta":{}}';
    /** The predictor answering through the bus: the response event of the published request's puid arrives. */
    const answering = (extensions: Record<string, string> = {}) => {
      bus.refusal = (event) => {
        setImmediate(() =>
          replies.deliver(
            createEvent({
              specversion: '0.3',
              id: event.extensions.seldonpuid,
              type: 'seldon.iris-deployment.default.response',
              source: 'seldon.iris-deployment',
              datacontenttype: 'application/json',
              extensions: { path: '/api/v1.0/predictions', ...extensions },
              data: Buffer.from(answer),
            }),
          ),
        );
        return undefined;
      };
    };
    const send = async (url: string, headers: Record<string, string>, body: string) => {
      const res = await fetch(url, { method: 'POST', headers, body });
      return { status: res.status, headers: res.headers, text: await res.text() };
    };

    it('answers a REST request with its response event: data as body, attributes as Ce- headers, Preference-Applied', async () => {
      answering();
      const res = await send(`${url}${path}`, { 'content-type': 'application/json', prefer: 'wait=5', 'seldon-puid': 'puid-1' }, PAYLOAD);
      expect(res.status).toBe(200);
      expect(res.text).toBe(answer);
      expect(res.headers.get('preference-applied')).toBe('wait');
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('ce-id')).toBe('puid-1');
      expect(res.headers.get('ce-type')).toBe('seldon.iris-deployment.default.response');
      expect(res.headers.get('ce-path')).toBe('/api/v1.0/predictions');
      expect(bus.published[0].event.extensions.seldonpuid).toBe('puid-1');
    });

    it("makes up a puid when the request has none, and answers a failed prediction with the predictor's status", async () => {
      answering({ seldonstatus: '400' });
      const res = await send(`${url}${path}`, { 'content-type': 'application/json', prefer: 'wait=5' }, PAYLOAD);
      expect(res.status).toBe(400);
      expect(res.headers.get('ce-seldonstatus')).toBe('400');
      expect(res.headers.get('ce-id')).toBe(bus.published[0].event.extensions.seldonpuid);
      expect(res.headers.get('ce-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers the CloudEvents entry the same way for one prediction request event', async () => {
      answering();
      const res = await send(`${url}/`, binary('w-1', 'seldon.iris-deployment.default.request', { prefer: 'wait=5', 'ce-seldonpuid': 'puid-2' }), PAYLOAD);
      expect(res.status).toBe(200);
      expect(res.headers.get('ce-id')).toBe('puid-2');
      expect(bus.published[0].event.id).toBe('w-1');
    });

    it('does not apply the preference to an event no predictor answers, nor to a batch: 202 as without it', async () => {
      const other = await send(`${url}/`, binary('w-2', 'test.front', { prefer: 'wait=5' }), '{}');
      expect(other.status).toBe(202);
      expect(other.headers.get('preference-applied')).toBeNull();
      const many = await send(`${url}/`, { 'content-type': 'application/cloudevents-batch+json', prefer: 'wait=5' }, batch('w-3', 'w-4'));
      expect(many.status).toBe(202);
      expect(replies.size).toBe(0);
    });

    it('does not apply the preference when no Trigger brings response events to the adapter: 202, nothing waits', async () => {
      const { url: without, server: other } = await serveRoute(ingressRoute(door, defaultBroker, replies, undefined));
      try {
        const res = await send(`${without}${path}`, { 'content-type': 'application/json', prefer: 'wait=5' }, PAYLOAD);
        expect(res.status).toBe(202);
        expect(res.headers.get('preference-applied')).toBeNull();
        expect(replies.size).toBe(0);
      } finally {
        await new Promise((resolve) => other.close(resolve));
      }
    });

    it('answers 504 with the puid when no response comes within the wait, cut to the maximum', async () => {
      const started = Date.now();
      const res = await send(`${url}${path}`, { 'content-type': 'application/json', prefer: 'wait=60', 'seldon-puid': 'puid-3' }, PAYLOAD);
      expect(res.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(JSON.parse(res.text)).toEqual({
        status: 504,
        error: 'no response event for puid puid-3 within 1 s; it is still published when the predictor answers',
        id: bus.published[0].event.id,
        puid: 'puid-3',
      });
      expect(replies.size).toBe(0);
    });

    it('refuses a malformed wait with 400, publishing nothing, and stops waiting when publishing fails', async () => {
      const bad = await post(path, { 'content-type': 'application/json', prefer: 'wait=soon' }, PAYLOAD);
      expect(bad).toEqual({ status: 400, json: { status: 400, error: 'Prefer: wait must be a whole number of seconds (RFC 7240), got "soon"' } });
      bus.refusal = () => new PublishError(503, 'broker unreachable');
      expect((await post(path, { 'content-type': 'application/json', prefer: 'wait=5' }, PAYLOAD)).status).toBe(503);
      expect(bus.published).toEqual([]);
      expect(replies.size).toBe(0);
    });
  });

  describe('Seldon REST', () => {
    const path = '/seldon/default/iris-deployment/api/v1.0/predictions';

    it('turns the payload into a request event carrying the Seldon-Puid, on the default broker', async () => {
      const answer = await post(path, { 'content-type': 'application/json', 'seldon-puid': 'puid-1' }, PAYLOAD);
      expect(answer.status).toBe(202);
      expect(bus.published).toHaveLength(1);
      const { event, broker } = bus.published[0];
      expect(answer.json).toEqual({ id: event.id });
      expect(broker).toEqual(defaultBroker);
      expect(event).toMatchObject({
        type: 'seldon.iris-deployment.default.request',
        source: INGRESS_SOURCE,
        datacontenttype: 'application/json',
        extensions: { seldonpuid: 'puid-1' },
      });
      expect(event.data?.toString()).toBe(PAYLOAD);
    });

    it('has no seldonpuid without the header', async () => {
      await post(path, { 'content-type': 'application/json' }, PAYLOAD);
      expect(bus.published[0].event.extensions).toEqual({});
    });

    it('answers 400 with the reason for an invalid payload', async () => {
      const answer = await post(path, { 'content-type': 'application/json' }, '{"strData": 1}');
      expect(answer).toEqual({ status: 400, json: { status: 400, error: 'invalid seldon request: strData must be a string, got number' } });
      expect(bus.published).toEqual([]);
    });

    it('answers 404 for names that cannot be a deployment', async () => {
      const answer = await post('/seldon/Default/iris/api/v1.0/predictions', { 'content-type': 'application/json' }, PAYLOAD);
      expect(answer.status).toBe(404);
      expect(answer.json.error).toMatch(/'Default\/iris' is not a valid namespace\/deployment pair/);
      expect(bus.published).toEqual([]);
    });
  });

  describe('protocols: each deployment validated against its own spec.protocol', () => {
    it.each([
      ['iris-v2', V2_PAYLOAD],
      ['iris-tf', TF_PAYLOAD],
      ['iris-deployment', PAYLOAD],
    ])('passes a request event of %s whose data is its protocol\'s request', async (deployment, body) => {
      const answer = await post('/', binary(`ok-${deployment}`, `seldon.${deployment}.default.request`), body);
      expect(answer).toEqual({ status: 202, json: { id: `ok-${deployment}` } });
    });

    it.each([
      ['a V2 body to a v1 deployment', 'iris-deployment', V2_PAYLOAD, "invalid seldon request: unknown field 'inputs'"],
      ['a v1 body to a V2 deployment', 'iris-v2', PAYLOAD, 'invalid v2 request: inputs is required'],
      ['a V2 body whose shape does not hold its data', 'iris-v2', '{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[1,2,3,4]}]}', 'invalid v2 request: inputs[0].shape [2,4] holds 8 values, data has 4'],
      ['a V2 body to a TF deployment', 'iris-tf', V2_PAYLOAD, 'invalid tensorflow request: inputs[0] must be a number'],
    ])('refuses %s with 400 naming the protocol and the field', async (_what, deployment, body, reason) => {
      const answer = await post('/', binary('bad', `seldon.${deployment}.default.request`), body);
      expect(answer.status).toBe(400);
      expect(answer.json.error).toContain(`event bad: ${reason}`);
      expect(bus.published).toEqual([]);
    });

    it('validates a deployment the manifests do not hold as Seldon v1', async () => {
      expect((await post('/', binary('u-1', 'seldon.elsewhere.default.request'), PAYLOAD)).status).toBe(202);
      expect((await post('/', binary('u-2', 'seldon.elsewhere.default.request'), V2_PAYLOAD)).json.error).toContain('invalid seldon request');
    });

    it.each([
      ['/seldon/default/iris-v2/v2/models/classifier/infer', V2_PAYLOAD, 'seldon.iris-v2.default.request'],
      ['/seldon/default/iris-v2/v2/models/classifier/versions/1/infer', V2_PAYLOAD, 'seldon.iris-v2.default.request'],
      ['/seldon/default/iris-tf/v1/models/classifier:predict', TF_PAYLOAD, 'seldon.iris-tf.default.request'],
      ['/seldon/default/elsewhere/v2/models/any/infer', V2_PAYLOAD, 'seldon.elsewhere.default.request'],
    ])('serves REST at %s', async (path, body, type) => {
      const answer = await post(path, { 'content-type': 'application/json', 'seldon-puid': 'p-9' }, body);
      expect(answer.status).toBe(202);
      expect(bus.published.map((p) => p.event)).toEqual([expect.objectContaining({ id: answer.json.id, type, extensions: { seldonpuid: 'p-9' } })]);
      expect(bus.published[0].event.data?.toString()).toBe(body);
    });

    it.each([
      ['/seldon/default/iris-v2/api/v1.0/predictions', 'deployment default/iris-v2 speaks protocol v2: it answers /seldon/default/iris-v2/v2/models/classifier/infer, not /seldon/default/iris-v2/api/v1.0/predictions'],
      ['/seldon/default/iris-v2/v2/models/other/infer', 'deployment default/iris-v2 speaks protocol v2: it answers /seldon/default/iris-v2/v2/models/classifier/infer, not /seldon/default/iris-v2/v2/models/other/infer'],
      ['/seldon/default/iris-deployment/v2/models/classifier/infer', 'deployment default/iris-deployment speaks protocol seldon: it answers /seldon/default/iris-deployment/api/v1.0/predictions'],
      ['/seldon/default/iris-tf/v2/models/classifier/infer', 'it answers /seldon/default/iris-tf/v1/models/classifier:predict'],
    ])('refuses %s, a path of another protocol or model, with 404 naming the path it serves', async (path, reason) => {
      const answer = await post(path, { 'content-type': 'application/json' }, V2_PAYLOAD);
      expect(answer.status).toBe(404);
      expect(answer.json.error).toContain(reason);
      expect(bus.published).toEqual([]);
    });

    it('refuses a REST body of the wrong protocol at the right path with 400', async () => {
      const answer = await post('/seldon/default/iris-v2/v2/models/classifier/infer', { 'content-type': 'application/json' }, PAYLOAD);
      expect(answer).toEqual({ status: 400, json: { status: 400, error: 'invalid v2 request: inputs is required: a list of {name, shape, datatype, data}' } });
    });
  });

  describe('publish refusals', () => {
    it('keeps the status a PublishError carries and lists the events accepted before it', async () => {
      bus.refusal = (event) => (event.id === 'r-2' ? new PublishError(429, 'broker queue full') : undefined);
      const answer = await post('/', { 'content-type': 'application/cloudevents-batch+json' }, batch('r-1', 'r-2', 'r-3'));
      expect(answer).toEqual({ status: 429, json: { status: 429, error: 'event r-2 not accepted: broker queue full', accepted: ['r-1'] } });
      expect(bus.published.map((p) => p.event.id)).toEqual(['r-1']);
    });

    it('answers 503 when the bus fails otherwise, with no accepted list when none was', async () => {
      bus.refusal = () => new Error('connection reset');
      const answer = await post('/', binary('r-4'), '{}');
      expect(answer).toEqual({ status: 503, json: { status: 503, error: 'event r-4 not accepted: connection reset' } });
    });
  });

  it('answers 405 with Allow to other methods, and the webhook handshake to OPTIONS', async () => {
    const get = await fetch(`${url}/seldon/default/iris/api/v1.0/predictions`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    const options = await fetch(`${url}/`, { method: 'OPTIONS' });
    expect(options.status).toBe(200);
    expect(options.headers.get('webhook-allowed-origin')).toBe('*');
  });

  it('answers 400 for a broker path whose segments do not URI-decode', async () => {
    const answer = await post('/default/%E0%A4%A', binary('p-1'), '{}');
    expect(answer).toEqual({ status: 400, json: { status: 400, error: "'/default/%E0%A4%A' is not a /<namespace>/<broker> path" } });
  });
});
