import { createHash } from 'node:crypto';
import { loadManifests, ManifestError, type KubeObject } from '@seldon-eventing/eventing';
import {
  computedDeploymentUrl,
  deploymentUrl,
  isSeldonDeployment,
  parseSeldonDeployment,
  predictorServiceName,
  seldonDeploymentAddressable,
  seldonDeploymentResolver,
  SELDON_DEPLOYMENT_KIND,
} from './index';

function sdep(overrides: { apiVersion?: string; name?: string; namespace?: string; spec?: unknown; status?: unknown; kind?: string } = {}): KubeObject {
  return {
    apiVersion: overrides.apiVersion ?? 'machinelearning.seldon.io/v1',
    kind: overrides.kind ?? 'SeldonDeployment',
    metadata: { name: overrides.name ?? 'iris-deployment', namespace: overrides.namespace ?? 'default', annotations: {}, labels: {} },
    spec: 'spec' in overrides ? overrides.spec : { predictors: [{ name: 'default', graph: { name: 'classifier' } }] },
    ...('status' in overrides ? { status: overrides.status } : {}),
  };
}

const withProtocol = (protocol: string | undefined, graph = 'classifier') =>
  sdep({ spec: { ...(protocol === undefined ? {} : { protocol }), predictors: [{ name: 'default', graph: { name: graph } }] } });

describe('parseSeldonDeployment', () => {
  it('reads the seed deployment from its YAML', () => {
    const [obj] = loadManifests(`
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: iris-deployment
  namespace: default
spec:
  protocol: seldon
  predictors:
    - name: default
      replicas: 1
      graph:
        name: classifier
        implementation: SKLEARN_SERVER
        modelUri: file://models/iris
`);
    expect(parseSeldonDeployment(obj)).toEqual({
      name: 'iris-deployment',
      namespace: 'default',
      protocol: 'seldon',
      predictors: [{ name: 'default', graphName: 'classifier' }],
    });
  });

  it.each([
    [undefined, 'seldon'],
    ['', 'seldon'],
    ['seldon', 'seldon'],
    ['tensorflow', 'tensorflow'],
    ['v2', 'v2'],
    ['kfserving', 'v2'],
  ])('takes protocol %j as %s', (protocol, expected) => {
    expect(parseSeldonDeployment(withProtocol(protocol)).protocol).toBe(expected);
  });

  it.each(['v1alpha2', 'v1alpha3', 'v1'])('accepts machinelearning.seldon.io/%s', (version) => {
    expect(parseSeldonDeployment(sdep({ apiVersion: `machinelearning.seldon.io/${version}` })).name).toBe('iris-deployment');
    expect(isSeldonDeployment({ apiVersion: `machinelearning.seldon.io/${version}`, kind: SELDON_DEPLOYMENT_KIND })).toBe(true);
  });

  it('keeps every predictor, in order', () => {
    const parsed = parseSeldonDeployment(
      sdep({
        spec: {
          predictors: [
            { name: 'main', graph: { name: 'a' }, traffic: 75 },
            { name: 'canary', graph: { name: 'b', children: [] }, traffic: 25, annotations: { 'seldon.io/svc-name': 'iris-canary' } },
          ],
        },
      }),
    );
    expect(parsed.predictors).toEqual([
      { name: 'main', graphName: 'a' },
      { name: 'canary', graphName: 'b', svcName: 'iris-canary' },
    ]);
  });

  it('defaults a missing namespace to default', () => {
    const obj = sdep();
    (obj.metadata as { namespace?: string }).namespace = undefined;
    expect(parseSeldonDeployment(obj).namespace).toBe('default');
  });

  it.each<[string, KubeObject, RegExp]>([
    ['another kind', sdep({ kind: 'InferenceService' }), /kind must be SeldonDeployment, got the string "InferenceService"/],
    ['another group', sdep({ apiVersion: 'serving.kserve.io/v1beta1' }), /apiVersion must be one of machinelearning\.seldon\.io\/v1, .*got the string "serving\.kserve\.io\/v1beta1"/],
    ['an unknown version', sdep({ apiVersion: 'machinelearning.seldon.io/v2' }), /apiVersion must be one of/],
    ['a dotted name', sdep({ name: 'iris.v1' }), /metadata\.name must be a DNS-1123 label/],
    ['an upper-case namespace', sdep({ namespace: 'Models' }), /metadata\.namespace must be a DNS-1123 label/],
    ['no spec', sdep({ spec: undefined }), /: spec is required/],
    ['a spec that is a list', sdep({ spec: [] }), /: spec must be a mapping, got a list/],
    ['no predictors', sdep({ spec: {} }), /spec\.predictors is required/],
    ['predictors not a list', sdep({ spec: { predictors: { name: 'x' } } }), /spec\.predictors must be a list, got a mapping/],
    ['an empty predictor list', sdep({ spec: { predictors: [] } }), /spec\.predictors must not be empty/],
    ['a predictor that is a string', sdep({ spec: { predictors: ['default'] } }), /spec\.predictors\[0\] must be a mapping/],
    ['a predictor without a name', sdep({ spec: { predictors: [{ graph: { name: 'c' } }] } }), /spec\.predictors\[0\]\.name is required/],
    ['a numeric predictor name', sdep({ spec: { predictors: [{ name: 7, graph: { name: 'c' } }] } }), /spec\.predictors\[0\]\.name must be a string, got number 7/],
    ['a repeated predictor name', sdep({ spec: { predictors: [{ name: 'a', graph: { name: 'c' } }, { name: 'a', graph: { name: 'c' } }] } }), /spec\.predictors\[1\]\.name repeats predictor name "a"/],
    ['a predictor without a graph', sdep({ spec: { predictors: [{ name: 'default' }] } }), /spec\.predictors\[0\]\.graph is required/],
    ['a graph without a name', sdep({ spec: { predictors: [{ name: 'default', graph: { type: 'MODEL' } }] } }), /spec\.predictors\[0\]\.graph\.name is required/],
    ['an empty graph name', sdep({ spec: { predictors: [{ name: 'default', graph: { name: '' } }] } }), /spec\.predictors\[0\]\.graph\.name must not be empty/],
    ['an unknown protocol', withProtocol('grpc'), /spec\.protocol must be one of seldon, tensorflow, v2 \(or kfserving\), got the string "grpc"/],
    ['a bad svc-name', sdep({ spec: { predictors: [{ name: 'd', graph: { name: 'c' }, annotations: { 'seldon.io/svc-name': 'Not_A_Label' } }] } }), /annotations\["seldon\.io\/svc-name"\] must be a DNS-1123 label/],
    ['a relative status url', sdep({ status: { address: { url: '/api/v1.0/predictions' } } }), /status\.address\.url must be an absolute http\(s\) URL/],
    ['a numeric status url', sdep({ status: { addressable: { url: 8000 } } }), /status\.addressable\.url must be a string, got number 8000/],
    ['a status address that is a string', sdep({ status: { address: 'http://x' } }), /status\.address must be a mapping/],
  ])('rejects %s with a ManifestError naming the field', (_what, obj, message) => {
    expect(() => parseSeldonDeployment(obj)).toThrow(ManifestError);
    expect(() => parseSeldonDeployment(obj)).toThrow(message);
  });

  it('names the object in its errors, and the file and document when loaded from one', () => {
    expect(() => parseSeldonDeployment(sdep({ spec: { predictors: [] } }))).toThrow(/^SeldonDeployment default\/iris-deployment: spec\.predictors must not be empty$/);
    const [, second] = loadManifests(
      'apiVersion: v1\nkind: Service\nmetadata: { name: x }\n---\napiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\nmetadata: { name: broken, namespace: models }\nspec: { predictors: [] }\n',
      'config/models.yaml',
    );
    expect(() => parseSeldonDeployment(second)).toThrow(/^config\/models\.yaml document 2 \(SeldonDeployment models\/broken\): spec\.predictors must not be empty$/);
  });

  it('refuses things that are not objects', () => {
    expect(() => parseSeldonDeployment(null as unknown as KubeObject)).toThrow(ManifestError);
    expect(() => parseSeldonDeployment('x' as unknown as KubeObject)).toThrow(/must be a Kubernetes object with metadata, got the string "x"/);
  });
});

describe('SeldonDeployment addresses', () => {
  it('computes the first predictor service address for the seldon protocol', () => {
    expect(deploymentUrl(parseSeldonDeployment(sdep()))).toBe('http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions');
  });

  it('uses the graph name for tensorflow and v2', () => {
    expect(deploymentUrl(parseSeldonDeployment(withProtocol('tensorflow', 'half-plus-two')))).toBe(
      'http://iris-deployment-default.default.svc.cluster.local:8000/v1/models/half-plus-two:predict',
    );
    expect(deploymentUrl(parseSeldonDeployment(withProtocol('v2', 'iris')))).toBe('http://iris-deployment-default.default.svc.cluster.local:8000/v2/models/iris/infer');
    expect(deploymentUrl(parseSeldonDeployment(withProtocol('kfserving', 'iris')))).toBe('http://iris-deployment-default.default.svc.cluster.local:8000/v2/models/iris/infer');
  });

  it('addresses only the first predictor', () => {
    const obj = sdep({
      namespace: 'models',
      spec: { protocol: 'v2', predictors: [{ name: 'main', graph: { name: 'first' } }, { name: 'canary', graph: { name: 'second' } }] },
    });
    expect(deploymentUrl(parseSeldonDeployment(obj))).toBe('http://iris-deployment-main.models.svc.cluster.local:8000/v2/models/first/infer');
  });

  it('honours the seldon.io/svc-name predictor annotation', () => {
    const obj = sdep({ spec: { predictors: [{ name: 'default', graph: { name: 'c' }, annotations: { 'seldon.io/svc-name': 'iris' } }] } });
    expect(deploymentUrl(parseSeldonDeployment(obj))).toBe('http://iris.default.svc.cluster.local:8000/api/v1.0/predictions');
  });

  it('hashes service names longer than 63 characters as the operator does', () => {
    const long = 'a'.repeat(60);
    const expected = `seldon-${createHash('md5').update(`${long}-default`).digest('hex')}`;
    expect(predictorServiceName(long, { name: 'default' })).toBe(expected);
    expect(predictorServiceName('a'.repeat(55), { name: 'default' })).toBe(`${'a'.repeat(55)}-default`);
  });

  it.each<[string, unknown, string]>([
    ['status.address.url', { address: { url: 'http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions' } }, 'http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions'],
    ['status.addressable.url', { addressable: { url: 'https://gateway.example.com/seldon/default/iris-deployment/api/v1.0/predictions' } }, 'https://gateway.example.com/seldon/default/iris-deployment/api/v1.0/predictions'],
    ['both spellings (address wins)', { address: { url: 'http://a:1/x' }, addressable: { url: 'http://b:2/y' } }, 'http://a:1/x'],
  ])('prefers %s to the computed address', (_what, status, url) => {
    const parsed = parseSeldonDeployment(sdep({ status, spec: { protocol: 'tensorflow', predictors: [{ name: 'p', graph: { name: 'g' } }] } }));
    expect(parsed.statusUrl).toBe(url);
    expect(deploymentUrl(parsed)).toBe(url);
    expect(computedDeploymentUrl(parsed)).toBe('http://iris-deployment-p.default.svc.cluster.local:8000/v1/models/g:predict');
  });

  it('ignores a status without an address, or with an empty one', () => {
    expect(parseSeldonDeployment(sdep({ status: { state: 'Creating' } })).statusUrl).toBeUndefined();
    expect(parseSeldonDeployment(sdep({ status: { address: {} } })).statusUrl).toBeUndefined();
    expect(parseSeldonDeployment(sdep({ status: { address: { url: '' } } })).statusUrl).toBeUndefined();
  });

  it('takes the engine port and cluster domain as options', () => {
    const parsed = parseSeldonDeployment(sdep());
    expect(deploymentUrl(parsed, { enginePort: 9000, clusterDomain: 'example.internal' })).toBe(
      'http://iris-deployment-default.default.svc.example.internal:9000/api/v1.0/predictions',
    );
    expect(() => deploymentUrl(parsed, { enginePort: 0 })).toThrow(RangeError);
    expect(() => seldonDeploymentResolver({ enginePort: 70000 })).toThrow(/enginePort must be an integer from 1 to 65535/);
  });
});

describe('seldonDeploymentAddressable', () => {
  it('resolves SeldonDeployments to their address', () => {
    expect(seldonDeploymentAddressable(sdep())).toBe('http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions');
    expect(seldonDeploymentAddressable(sdep({ status: { addressable: { url: 'http://x:1/y' } } }))).toBe('http://x:1/y');
  });

  it('leaves other kinds alone', () => {
    expect(seldonDeploymentAddressable(sdep({ kind: 'Service', apiVersion: 'v1' }))).toBeUndefined();
  });

  it('throws the ManifestError of a malformed SeldonDeployment', () => {
    expect(() => seldonDeploymentAddressable(sdep({ spec: {} }))).toThrow(ManifestError);
  });

  it('can be built with another engine port', () => {
    expect(seldonDeploymentResolver({ enginePort: 9000 })(sdep())).toBe('http://iris-deployment-default.default.svc.cluster.local:9000/api/v1.0/predictions');
  });
});
