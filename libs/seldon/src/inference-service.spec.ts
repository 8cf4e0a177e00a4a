import type { KubeObject, Trigger } from '@seldon-eventing/eventing';
import {
  buildResponseEvent,
  inferenceServiceResolver,
  inferenceServiceUrl,
  isPredictorTrigger,
  outcomeEvent,
  parseInferenceService,
  readOutcomeEvent,
} from './index';

const isvc = (spec: unknown, extra: Partial<KubeObject> = {}): KubeObject =>
  ({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'iris', namespace: 'models' }, spec, ...extra }) as KubeObject;

describe('parseInferenceService', () => {
  it.each<[string, unknown, string]>([
    ['the model form without protocolVersion (KServe: v1)', { predictor: { model: { modelFormat: { name: 'sklearn' } } } }, 'v1'],
    ['the model form with protocolVersion v2', { predictor: { model: { modelFormat: { name: 'sklearn' }, protocolVersion: 'v2' } } }, 'v2'],
    ['the older sklearn form (v1)', { predictor: { sklearn: { storageUri: 'gs://x' } } }, 'v1'],
    ['the older sklearn form with protocolVersion v2', { predictor: { sklearn: { protocolVersion: 'v2' } } }, 'v2'],
    ['the older triton form (KServe: v2)', { predictor: { triton: {} } }, 'v2'],
    ['a custom container predictor (v1)', { predictor: { containers: [{ image: 'x' }] } }, 'v1'],
  ])('reads %s', (_name, spec, protocol) => {
    expect(parseInferenceService(isvc(spec))).toEqual({ name: 'iris', namespace: 'models', protocol });
  });

  it('defaults the namespace, leaving the address to the resolver', () => {
    const parsed = parseInferenceService({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'iris' },
      spec: { predictor: { model: {} } },
      status: { address: { url: 'http://iris.default.svc.cluster.local' } },
    } as KubeObject);
    expect(parsed).toEqual({ name: 'iris', namespace: 'default', protocol: 'v1' });
  });

  it.each<[string, KubeObject, RegExp]>([
    ['gRPC', isvc({ predictor: { model: { protocolVersion: 'grpc-v2' } } }), /spec\.predictor\.model\.protocolVersion is grpc-v2: gRPC, which the predictor-router does not speak/],
    ['an unknown protocol', isvc({ predictor: { sklearn: { protocolVersion: 'v3' } } }), /spec\.predictor\.sklearn\.protocolVersion must be v1 or v2, got the string "v3"/],
    ['no predictor', isvc({}), /spec\.predictor is required/],
    ['another API version', isvc({ predictor: { model: {} } }, { apiVersion: 'serving.kserve.io/v1alpha1' }), /apiVersion must be serving\.kserve\.io\/v1beta1/],
  ])('refuses %s with a ManifestError naming the field', (_name, obj, message) => {
    expect(() => parseInferenceService(obj)).toThrow(message);
  });
});

describe('inferenceServiceUrl', () => {
  it("adds the protocol's path to the host KServe >= 0.11 writes in status.address.url", () => {
    const host = new URL('http://iris.models.svc.cluster.local');
    expect(inferenceServiceUrl({ name: 'iris', protocol: 'v1' }, host).href).toBe('http://iris.models.svc.cluster.local/v1/models/iris:predict');
    expect(inferenceServiceUrl({ name: 'iris', protocol: 'v2' }, host).href).toBe('http://iris.models.svc.cluster.local/v2/models/iris/infer');
  });

  it('keeps a path the address already names (an older KServe status, a Trigger uri)', () => {
    const older = new URL('http://iris.models.example.com/v1/models/iris:predict');
    expect(inferenceServiceUrl({ name: 'iris', protocol: 'v2' }, older).href).toBe(older.href);
  });

  it('computes the top-level Service host when there is no status', () => {
    expect(inferenceServiceResolver('example.internal')(isvc({ predictor: { model: {} } }))).toBe('http://iris.models.svc.example.internal');
    expect(inferenceServiceResolver()({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } } as KubeObject)).toBeUndefined();
  });
});

describe('an InferenceService predictor', () => {
  const trigger = (ref: NonNullable<Trigger['subscriber']['ref']>): Trigger => ({ name: 't', namespace: 'default', broker: 'default', annotations: {}, subscriber: { ref } });

  it('makes its Trigger a predictor Trigger, for the serving.kserve.io group only', () => {
    const host = new URL('http://iris.default.svc.cluster.local');
    expect(isPredictorTrigger(trigger({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', name: 'iris' }), host)).toBe(true);
    expect(isPredictorTrigger(trigger({ apiVersion: 'example.com/v1', kind: 'InferenceService', name: 'iris' }), host)).toBe(false);
  });

  it("answers with KServe's response type and source, the puid as id, through the outcome event", () => {
    const outcome = {
      deployment: 'iris',
      namespace: 'models',
      kind: 'InferenceService' as const,
      puid: 'b1e0c3a2-5d4f-4a8b-9c7d-112233445566',
      path: '/v1/models/iris:predict',
      status: 200,
      body: Buffer.from('{"predictions":[[0.1,0.2,0.7]]}'),
      contentType: 'application/json',
    };
    const response = buildResponseEvent(readOutcomeEvent(outcomeEvent(outcome)));
    expect(response).toMatchObject({
      id: outcome.puid,
      type: 'io.kserve.inference.response',
      source: 'io.kserve.inference.iris',
      datacontenttype: 'application/json',
      extensions: { path: '/v1/models/iris:predict' },
    });
    expect(response.data).toEqual(outcome.body);
    expect(buildResponseEvent(readOutcomeEvent(outcomeEvent({ ...outcome, status: 400 }))).extensions.seldonstatus).toBe('400');
  });

  it('leaves Seldon outcome events without the kind extension, and refuses an unknown kind', () => {
    const seldon = outcomeEvent({ deployment: 'd', namespace: 'n', path: '/api/v1.0/predictions', status: 200, body: Buffer.from('{}') });
    expect(seldon.extensions.seldonkind).toBeUndefined();
    expect(buildResponseEvent(readOutcomeEvent(seldon)).type).toBe('seldon.d.n.response');
    seldon.extensions.seldonkind = 'Other';
    expect(() => readOutcomeEvent(seldon)).toThrow(/unknown predictor kind "Other"/);
  });
});
