import { ingressPath, isPredictorPath, isSeldonIngressPath, parseIngressPath, predictorPath, SeldonPayloadError, seldonIngressDeployment, splitIngressPath } from './index';

describe('predictor paths', () => {
  it('gives each protocol its prediction path', () => {
    expect(predictorPath('seldon', 'classifier')).toBe('/api/v1.0/predictions');
    expect(predictorPath('tensorflow', 'half-plus-two')).toBe('/v1/models/half-plus-two:predict');
    expect(predictorPath('v2', 'iris')).toBe('/v2/models/iris/infer');
  });

  it('refuses an unknown protocol', () => {
    expect(() => predictorPath('grpc' as never, 'x')).toThrow(/unknown Seldon protocol "grpc"/);
  });

  it.each([
    '/api/v1.0/predictions',
    '/api/v0.1/predictions',
    '/v1/models/half-plus-two:predict',
    '/v1/models/half-plus-two/:predict',
    '/v1/models:predict',
    '/v1/models/:predict',
    '/v2/models/iris/infer',
    '/v2/models/iris/versions/3/infer',
    '/api/v1.0/predictions?x=1',
    '/seldon/default/iris-deployment/api/v1.0/predictions',
    '/seldon/models/tf/v1/models/half-plus-two:predict',
    '/seldon/models/triton/v2/models/iris/infer',
  ])('recognizes %s', (path) => {
    expect(isPredictorPath(path)).toBe(true);
  });

  it.each([
    '/',
    '',
    '/api/v1.0/feedback',
    '/api/v1.0/predictions/',
    '/api/v1.0/predictionsx',
    '/v1/models/a/b:predict',
    '/v1/models/a::predict',
    '/v2/models//infer',
    '/v2/models/iris/ready',
    '/seldon/default/api/v1.0/predictions',
    '/seldon/Default/iris/api/v1.0/predictions',
    '/seldon/default/iris/api/v1.0/feedback',
    '/prefix/api/v1.0/predictions',
  ])('does not take %j for a predictor path', (path) => {
    expect(isPredictorPath(path)).toBe(false);
  });
});

describe('ingress gateway paths', () => {
  const iris = { deployment: 'iris-deployment', namespace: 'default' };

  it('puts a deployment behind /seldon/<namespace>/<deployment>', () => {
    expect(ingressPath(iris)).toBe('/seldon/default/iris-deployment/api/v1.0/predictions');
    expect(ingressPath(iris, '/v2/models/iris/infer')).toBe('/seldon/default/iris-deployment/v2/models/iris/infer');
  });

  it('parses the gateway form back', () => {
    expect(parseIngressPath('/seldon/default/iris-deployment/api/v1.0/predictions')).toEqual(iris);
    expect(parseIngressPath('/seldon/default/iris-deployment/api/v1.0/predictions?debug=1')).toEqual(iris);
    expect(parseIngressPath(ingressPath({ deployment: 'a', namespace: 'b' }))).toEqual({ deployment: 'a', namespace: 'b' });
  });

  it('says which predictor path is behind the prefix', () => {
    expect(splitIngressPath('/seldon/models/tf/v1/models/half-plus-two:predict')).toEqual({
      namespace: 'models',
      deployment: 'tf',
      path: '/v1/models/half-plus-two:predict',
    });
  });

  it.each([
    '/api/v1.0/predictions',
    '/seldon/default/iris-deployment',
    '/seldon/default/iris-deployment/',
    '/seldon/default/iris-deployment/api/v1.0/feedback',
    '/seldon/default/Iris/api/v1.0/predictions',
    '/seldon/def.ault/iris/api/v1.0/predictions',
    '/seldon//iris/api/v1.0/predictions',
    '/x/seldon/default/iris/api/v1.0/predictions',
  ])('rejects %s', (path) => {
    expect(parseIngressPath(path)).toBeUndefined();
  });
});

describe('Seldon protocol gateway paths', () => {
  it.each([
    ['/seldon/default/iris-deployment/api/v1.0/predictions', { namespace: 'default', deployment: 'iris-deployment' }],
    ['/seldon/default/iris-deployment/api/v0.1/predictions/', { namespace: 'default', deployment: 'iris-deployment' }],
    ['/seldon/team%2Da/iris/api/v1.0/predictions', { namespace: 'team-a', deployment: 'iris' }],
  ])('names the deployment of %s', (path, deployment) => {
    expect(isSeldonIngressPath(path)).toBe(true);
    expect(seldonIngressDeployment(path)).toEqual(deployment);
  });

  it.each(['/seldon/default/iris/v2/models/iris/infer', '/seldon/default/api/v1.0/predictions', '/default/default', '/seldon/default/iris/api/v1.0/feedback'])(
    'is no Seldon protocol gateway path: %s',
    (path) => {
      expect(isSeldonIngressPath(path)).toBe(false);
      expect(seldonIngressDeployment(path)).toBeUndefined();
    },
  );

  it.each([
    ['/seldon/Default/iris/api/v1.0/predictions', "'Default/iris' is not a valid namespace/deployment pair"],
    ['/seldon/default/iris.v2/api/v1.0/predictions', "'default/iris.v2' is not a valid namespace/deployment pair"],
    ['/seldon/default/%E0%A4%A/api/v1.0/predictions', 'is not a valid URI path'],
  ])('refuses %s with a 404 that says why', (path, reason) => {
    expect(isSeldonIngressPath(path)).toBe(true);
    let error: unknown;
    try {
      seldonIngressDeployment(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SeldonPayloadError);
    expect(error).toMatchObject({ status: 404, message: expect.stringContaining(reason) });
  });
});
