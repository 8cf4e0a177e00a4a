import { gatewayTarget, isGatewayPath, protocolOfPath, SeldonPayloadError, validateRequest, type SeldonProtocol } from './index';

const reason = (protocol: SeldonProtocol, body: unknown): string => {
  try {
    validateRequest(protocol, typeof body === 'string' ? body : JSON.stringify(body));
  } catch (err) {
    expect(err).toBeInstanceOf(SeldonPayloadError);
    expect((err as SeldonPayloadError).status).toBe(400);
    return (err as Error).message;
  }
  throw new Error(`${protocol} accepted ${JSON.stringify(body)}`);
};

const V2_IRIS = { inputs: [{ name: 'predict', shape: [2, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2, 6.2, 3.4, 5.4, 2.3] }] };

describe('validateRequest: v2 (Open Inference Protocol)', () => {
  it.each<[string, unknown]>([
    ['a flat FP32 [2,4] input', V2_IRIS],
    ['nested data', { inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP64', data: [[1, 2], [3, 4]] }] }],
    ['id, parameters and outputs', { id: 'r-1', parameters: { content_type: 'np' }, inputs: [{ name: 'x', shape: [1], datatype: 'INT64', data: [3], parameters: {} }], outputs: [{ name: 'predict_proba' }] }],
    ['BOOL and BYTES inputs', { inputs: [{ name: 'b', shape: [2], datatype: 'BOOL', data: [true, false] }, { name: 's', shape: [1], datatype: 'BYTES', data: ['hi'] }] }],
    ['an empty tensor', { inputs: [{ name: 'x', shape: [0, 4], datatype: 'FP32', data: [] }] }],
    ['fields the spec does not define', { inputs: V2_IRIS.inputs, trace: 'kept' }],
  ])('accepts %s', (_what, body) => {
    expect(validateRequest('v2', JSON.stringify(body))).toEqual(body);
  });

  it.each<[string, unknown, string]>([
    ['a shape that does not hold the data', { inputs: [{ name: 'predict', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 'inputs[0].shape [2,4] holds 8 values, data has 4'],
    ['a Seldon v1 body', { data: { ndarray: [[1, 2, 3, 4]] } }, 'inputs is required'],
    ['a TF columnar body', { inputs: [[1, 2, 3, 4]] }, 'inputs[0] must be an object with name, shape, datatype and data, got array'],
    ['no inputs', { inputs: [] }, 'inputs must hold at least one input'],
    ['an unknown datatype', { inputs: [{ name: 'x', shape: [1], datatype: 'FLOAT', data: [1] }] }, 'inputs[0].datatype must be one of BOOL, UINT8'],
    ['a string in FP64 data', { inputs: [{ name: 'x', shape: [2], datatype: 'FP64', data: [1, 'a'] }] }, 'inputs[0].data[1] must be a number for datatype FP64, got string'],
    ['a fraction in INT32 data', { inputs: [{ name: 'x', shape: [1, 1], datatype: 'INT32', data: [[1.5]] }] }, 'inputs[0].data[0][0] must be an integer for datatype INT32, got 1.5'],
    ['a negative UINT8', { inputs: [{ name: 'x', shape: [1], datatype: 'UINT8', data: [-1] }] }, 'inputs[0].data[0] must be a non-negative integer'],
    ['a negative dimension', { inputs: [{ name: 'x', shape: [-1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 'inputs[0].shape[0] must be a non-negative integer, got -1'],
    ['no name', { inputs: [{ shape: [1], datatype: 'FP32', data: [1] }] }, 'inputs[0].name must be a non-empty string, got undefined'],
    ['a repeated name', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }, { name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }, 'inputs[1].name "x" repeats inputs[0].name'],
    ['data not a list', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: 1 }] }, 'inputs[0].data must be a list, got number'],
    ['a numeric id', { id: 7, inputs: V2_IRIS.inputs }, 'id must be a string, got number'],
    ['parameters not an object', { parameters: [], inputs: V2_IRIS.inputs }, 'parameters must be an object, got array'],
    ['an output without a name', { inputs: V2_IRIS.inputs, outputs: [{}] }, 'outputs[0].name must be a non-empty string'],
    ['a JSON array', [V2_IRIS], 'an inference request must be a JSON object with inputs, got array'],
  ])('refuses %s, naming the protocol and the field', (_what, body, message) => {
    expect(reason('v2', body)).toContain(`invalid v2 request: ${message}`);
  });
});

describe('validateRequest: tensorflow (TF Serving REST)', () => {
  it.each<[string, unknown]>([
    ['row format', { instances: [[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]] }],
    ['named instances', { signature_name: 'serving_default', instances: [{ a: [1, 2], b: 'x' }, { a: [3, 4], b: 'y' }] }],
    ['binary values', { instances: [{ b64: 'aGVsbG8=' }] }],
    ['columnar format', { inputs: [[5.1, 3.5, 1.4, 0.2]] }],
    ['named columnar inputs', { inputs: { a: [[1, 2]], b: [true] } }],
  ])('accepts %s', (_what, body) => {
    expect(validateRequest('tensorflow', JSON.stringify(body))).toEqual(body);
  });

  it.each<[string, unknown, string]>([
    ['both instances and inputs', { instances: [[1]], inputs: [[1]] }, 'only one of instances (row format) and inputs (columnar format) may be set'],
    ['a Seldon v1 body', { data: { ndarray: [[1, 2, 3, 4]] } }, 'missing instances (row format) or inputs (columnar format)'],
    ['a V2 body', V2_IRIS, "inputs[0] must be a number, string, boolean, {\"b64\": ...} or a list of them, got object"],
    ['ragged instances', { instances: [[1, 2, 3, 4], [1, 2, 3]] }, 'instances[1] has shape [3], instances[0] has [4]'],
    ['instances not a list', { instances: { a: 1 } }, 'instances must be a list, got object'],
    ['no instances', { instances: [] }, 'instances must hold at least one instance'],
    ['instances naming different inputs', { instances: [{ a: 1 }, { b: 1 }] }, 'instances[1] names inputs b, instances[0] names a'],
    ['a null element', { instances: [[1, null]] }, 'instances[0][1] must be a number, string, boolean'],
    ['a numeric signature_name', { signature_name: 1, instances: [[1]] }, 'signature_name must be a string, got number'],
  ])('refuses %s, naming the protocol and the field', (_what, body, message) => {
    expect(reason('tensorflow', body)).toContain(`invalid tensorflow request: ${message}`);
  });
});

describe('validateRequest: seldon (v1)', () => {
  it('accepts the seed request', () => {
    expect(validateRequest('seldon', '{"data": { "ndarray": [[1,2,3,4]]}}')).toEqual({ data: { ndarray: [[1, 2, 3, 4]] } });
  });

  it.each<[string, unknown, string]>([
    ['a V2 body', V2_IRIS, "unknown field 'inputs'"],
    ['a TF body', { instances: [[1, 2, 3, 4]] }, "unknown field 'instances'"],
    ['a bad ndarray', { data: { ndarray: 7 } }, 'data.ndarray must be an array, got number'],
  ])('refuses %s, naming the protocol and the field', (_what, body, message) => {
    expect(reason('seldon', body)).toContain(`invalid seldon request: ${message}`);
  });
});

describe('validateRequest: any protocol', () => {
  it.each<SeldonProtocol>(['seldon', 'tensorflow', 'v2'])('refuses a body that is no JSON (%s)', (protocol) => {
    expect(reason(protocol, '{"inputs": [')).toMatch(new RegExp(`^invalid ${protocol} request: request body is not valid JSON`));
    expect(reason(protocol, '')).toBe(`invalid ${protocol} request: request body is empty: expected a JSON request`);
  });
});

describe('protocol of a prediction path', () => {
  it.each<[string, ReturnType<typeof protocolOfPath>]>([
    ['/api/v1.0/predictions', { protocol: 'seldon' }],
    ['/api/v0.1/predictions', { protocol: 'seldon' }],
    ['/v1/models/classifier:predict', { protocol: 'tensorflow', model: 'classifier' }],
    ['/v1/models:predict', { protocol: 'tensorflow' }],
    ['/v2/models/classifier/infer', { protocol: 'v2', model: 'classifier' }],
    ['/v2/models/classifier/versions/3/infer', { protocol: 'v2', model: 'classifier' }],
    ['/v2/models/classifier', undefined],
    ['/api/v1.0/feedback', undefined],
  ])('%s', (path, expected) => {
    expect(protocolOfPath(path)).toEqual(expected);
  });

  it.each([
    ['/seldon/default/iris-v2/v2/models/classifier/infer', { namespace: 'default', deployment: 'iris-v2', path: '/v2/models/classifier/infer', protocol: 'v2', model: 'classifier' }],
    ['/seldon/default/iris-tf/v1/models/classifier:predict', { namespace: 'default', deployment: 'iris-tf', path: '/v1/models/classifier:predict', protocol: 'tensorflow', model: 'classifier' }],
    ['/seldon/default/iris-deployment/api/v1.0/predictions/', { namespace: 'default', deployment: 'iris-deployment', path: '/api/v1.0/predictions', protocol: 'seldon' }],
    ['/seldon/team%2Da/iris/v2/models/my%20model/infer', { namespace: 'team-a', deployment: 'iris', path: '/v2/models/my%20model/infer', protocol: 'v2', model: 'my model' }],
  ])('reads the gateway path %s', (path, expected) => {
    expect(isGatewayPath(path)).toBe(true);
    expect(gatewayTarget(path)).toEqual(expected);
  });

  it.each(['/seldon/default/iris/v2/models/classifier', '/seldon/default/v2/models/x/infer', '/default/default', '/v2/models/x/infer'])('is no gateway path: %s', (path) => {
    expect(isGatewayPath(path)).toBe(false);
    expect(gatewayTarget(path)).toBeUndefined();
  });

  it('refuses names that cannot be a deployment with a 404', () => {
    expect(() => gatewayTarget('/seldon/Default/iris/v2/models/x/infer')).toThrow(expect.objectContaining({ status: 404, message: expect.stringContaining("'Default/iris' is not a valid namespace/deployment pair") }));
  });
});
