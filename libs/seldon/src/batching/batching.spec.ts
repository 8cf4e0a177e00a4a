import { loadManifests, ManifestError } from '@seldon-eventing/eventing';
import { batchableRequest, batchPolicyOf, mergeRequests, splitResponse, type BatchPart } from '../index';

const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function deployment(annotations: string): ReturnType<typeof loadManifests>[number] {
  const [obj] = loadManifests(
    `
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: iris-batched
  namespace: default
  annotations:
${annotations}
spec:
  predictors: [{ name: default, graph: { name: classifier } }]
`,
    'batched.yaml',
  );
  return obj;
}

describe('batchPolicyOf', () => {
  it('reads max size and max wait from the annotations', () => {
    expect(batchPolicyOf(deployment('    seldon-eventing.io/batch-max-size: "16"\n    seldon-eventing.io/batch-max-wait-ms: "5"'))).toEqual({ maxSize: 16, maxWaitMs: 5 });
  });

  it('waits 0 ms when only the size is set', () => {
    expect(batchPolicyOf(deployment('    seldon-eventing.io/batch-max-size: "8"'))).toEqual({ maxSize: 8, maxWaitMs: 0 });
  });

  it('does not batch without annotations, or with a max size of 1', () => {
    expect(batchPolicyOf(deployment('    other: x'))).toBeUndefined();
    expect(batchPolicyOf(deployment('    seldon-eventing.io/batch-max-size: "1"\n    seldon-eventing.io/batch-max-wait-ms: "10"'))).toBeUndefined();
  });

  it.each([
    ['    seldon-eventing.io/batch-max-size: "0"', 'seldon-eventing.io/batch-max-size must be an integer of 1 or more (requests per predictor call), got the string "0"'],
    ['    seldon-eventing.io/batch-max-size: "many"', 'seldon-eventing.io/batch-max-size must be an integer of 1 or more (requests per predictor call), got the string "many"'],
    ['    seldon-eventing.io/batch-max-size: "2.5"', 'seldon-eventing.io/batch-max-size must be an integer of 1 or more (requests per predictor call), got the string "2.5"'],
    [
      '    seldon-eventing.io/batch-max-size: "4"\n    seldon-eventing.io/batch-max-wait-ms: "-1"',
      'seldon-eventing.io/batch-max-wait-ms must be an integer of 0 or more (milliseconds), got the string "-1"',
    ],
    ['    seldon-eventing.io/batch-max-wait-ms: "5"', 'seldon-eventing.io/batch-max-wait-ms must be set together with seldon-eventing.io/batch-max-size, got the string "5"'],
  ])('refuses %j naming the file, the deployment, the annotation and the values accepted', (annotations, message) => {
    expect(() => batchPolicyOf(deployment(annotations))).toThrow(ManifestError);
    expect(() => batchPolicyOf(deployment(annotations))).toThrow(`batched.yaml document 1 (SeldonDeployment default/iris-batched): annotation ${message}`);
  });
});

const parts = (requests: unknown[], rows: number[]): BatchPart[] => requests.map((request, i) => ({ request, rows: rows[i], puid: `puid-${i}` }));

describe('protocol v1 (seldon)', () => {
  const a = { data: { names: ['a', 'b'], ndarray: [[1, 2]] } };
  const b = { data: { names: ['a', 'b'], ndarray: [[3, 4], [5, 6]] }, meta: { puid: 'x' } };

  it('merges ndarray rows of requests with the same names and row shape', () => {
    const [ka, kb] = [a, b].map((r) => batchableRequest('seldon', body(r)));
    expect(ka?.key).toBe(kb?.key);
    expect([ka?.rows, kb?.rows]).toEqual([1, 2]);
    expect(mergeRequests('seldon', [a, b])).toEqual({ data: { names: ['a', 'b'], ndarray: [[1, 2], [3, 4], [5, 6]] } });
  });

  it('gives different keys to other names or another row width', () => {
    const key = batchableRequest('seldon', body(a))?.key;
    expect(batchableRequest('seldon', body({ data: { names: ['x', 'y'], ndarray: [[1, 2]] } }))?.key).not.toBe(key);
    expect(batchableRequest('seldon', body({ data: { names: ['a', 'b'], ndarray: [[1, 2, 3]] } }))?.key).not.toBe(key);
    expect(batchableRequest('seldon', body({ data: { ndarray: [[1, 2]] } }))?.key).not.toBe(key);
  });

  it.each([
    ['a tensor', { data: { tensor: { shape: [1, 2], values: [1, 2] } } }],
    ['jsonData', { jsonData: { rows: [[1, 2]] } }],
    ['strData', { strData: 'hello' }],
    ['meta tags', { data: { ndarray: [[1, 2]] }, meta: { tags: { user: 'a' } } }],
    ['rows of different widths', { data: { ndarray: [[1, 2], [3]] } }],
    ['a flat ndarray', { data: { ndarray: [1, 2] } }],
    ['an empty ndarray', { data: { ndarray: [] } }],
    ['an invalid message', { data: { ndarray: [[1]] }, extra: 1 }],
  ])('sends a request with %s alone', (_what, request) => {
    expect(batchableRequest('seldon', body(request))).toBeUndefined();
  });

  it('does not take a body that is not JSON', () => {
    expect(batchableRequest('seldon', Buffer.from('{"data":'))).toBeUndefined();
  });

  it("splits the answer's rows back, each with its own puid in meta", () => {
    const answer = { data: { names: ['t:0', 't:1'], ndarray: [[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]] }, meta: { puid: 'batch', tags: { model: 'iris' } } };
    expect(splitResponse('seldon', answer, parts([a, b], [1, 2]))).toEqual([
      { data: { names: ['t:0', 't:1'], ndarray: [[0.1, 0.9]] }, meta: { puid: 'puid-0', tags: { model: 'iris' } } },
      { data: { names: ['t:0', 't:1'], ndarray: [[0.2, 0.8], [0.3, 0.7]] }, meta: { puid: 'puid-1', tags: { model: 'iris' } } },
    ]);
  });

  it('cannot split an answer without one row per row sent, or of another kind', () => {
    expect(splitResponse('seldon', { data: { ndarray: [[0.1, 0.9]] } }, parts([a, b], [1, 2]))).toBeUndefined();
    expect(splitResponse('seldon', { data: { tensor: { shape: [3, 2], values: [1, 2, 3, 4, 5, 6] } } }, parts([a, b], [1, 2]))).toBeUndefined();
    expect(splitResponse('seldon', { jsonData: {} }, parts([a, b], [1, 2]))).toBeUndefined();
    expect(splitResponse('seldon', 'text', parts([a, b], [1, 2]))).toBeUndefined();
  });
});

describe('protocol v2', () => {
  const input = (rows: number[][], extra: Record<string, unknown> = {}) => ({ name: 'predict', shape: [rows.length, 2], datatype: 'FP32', data: rows.flat(), ...extra });
  const a = { id: 'a', inputs: [input([[1, 2]])] };
  const b = { inputs: [{ ...input([[3, 4], [5, 6]]), data: [[3, 4], [5, 6]] }] };

  it('concatenates inputs along the first dimension, flat data from flat or nested', () => {
    const [ka, kb] = [a, b].map((r) => batchableRequest('v2', body(r)));
    expect(ka?.key).toBe(kb?.key);
    expect([ka?.rows, kb?.rows]).toEqual([1, 2]);
    expect(mergeRequests('v2', [a, b])).toEqual({ inputs: [{ name: 'predict', shape: [3, 2], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }] });
  });

  it('merges several inputs each along its own first dimension, keeping request parameters and outputs', () => {
    const two = (x: number) => ({
      parameters: { p: 1 },
      outputs: [{ name: 'predict' }],
      inputs: [input([[x, x]]), { name: 'mask', shape: [1], datatype: 'BOOL', data: [true] }],
    });
    expect(batchableRequest('v2', body(two(1)))?.key).toBe(batchableRequest('v2', body(two(2)))?.key);
    expect(mergeRequests('v2', [two(1), two(2)])).toEqual({
      parameters: { p: 1 },
      outputs: [{ name: 'predict' }],
      inputs: [
        { name: 'predict', shape: [2, 2], datatype: 'FP32', data: [1, 1, 2, 2] },
        { name: 'mask', shape: [2], datatype: 'BOOL', data: [true, true] },
      ],
    });
  });

  it.each([
    ['another datatype', { inputs: [input([[1, 2]], { datatype: 'FP64' })] }],
    ['another name', { inputs: [input([[1, 2]], { name: 'x' })] }],
    ['another shape beyond the first dimension', { inputs: [{ name: 'predict', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }],
    ['request parameters', { parameters: { content_type: 'pd' }, inputs: [input([[1, 2]])] }],
    ['requested outputs', { outputs: [{ name: 'predict' }], inputs: [input([[1, 2]])] }],
    ['input parameters', { inputs: [input([[1, 2]], { parameters: { content_type: 'np' } })] }],
  ])('gives a request with %s another key', (_what, request) => {
    expect(batchableRequest('v2', body(request))?.key).not.toBe(batchableRequest('v2', body(a))?.key);
  });

  it.each([
    ['a scalar input', { inputs: [{ name: 'x', shape: [], datatype: 'FP32', data: [1] }] }],
    ['inputs of different first dimensions', { inputs: [input([[1, 2]]), { name: 'y', shape: [2], datatype: 'FP32', data: [1, 2] }] }],
    ['no rows', { inputs: [{ name: 'predict', shape: [0, 2], datatype: 'FP32', data: [] }] }],
    ['data not matching its shape', { inputs: [{ name: 'predict', shape: [2, 2], datatype: 'FP32', data: [1, 2] }] }],
  ])('sends a request with %s alone', (_what, request) => {
    expect(batchableRequest('v2', body(request))).toBeUndefined();
  });

  const answer = {
    model_name: 'classifier',
    id: 'batch',
    parameters: {},
    outputs: [
      { name: 'predict_proba', shape: [3, 2], datatype: 'FP64', parameters: { content_type: 'np' }, data: [0.1, 0.9, 0.2, 0.8, 0.3, 0.7] },
      { name: 'predict', shape: [3, 1], datatype: 'INT64', data: [[1], [1], [1]] },
    ],
  };

  it("slices each output along dim 0, shape adjusted, data in the answer's form; id is the request's, else its puid", () => {
    expect(splitResponse('v2', answer, parts([a, b], [1, 2]))).toEqual([
      {
        model_name: 'classifier',
        id: 'a',
        parameters: {},
        outputs: [
          { name: 'predict_proba', shape: [1, 2], datatype: 'FP64', parameters: { content_type: 'np' }, data: [0.1, 0.9] },
          { name: 'predict', shape: [1, 1], datatype: 'INT64', data: [[1]] },
        ],
      },
      {
        model_name: 'classifier',
        id: 'puid-1',
        parameters: {},
        outputs: [
          { name: 'predict_proba', shape: [2, 2], datatype: 'FP64', parameters: { content_type: 'np' }, data: [0.2, 0.8, 0.3, 0.7] },
          { name: 'predict', shape: [2, 1], datatype: 'INT64', data: [[1], [1]] },
        ],
      },
    ]);
  });

  it('cannot split an output whose first dimension is not the rows sent, or whose data does not fill its shape', () => {
    const withOutput = (output: unknown) => ({ ...answer, outputs: [output] });
    expect(splitResponse('v2', withOutput({ name: 'sum', shape: [1], datatype: 'FP64', data: [3] }), parts([a, b], [1, 2]))).toBeUndefined();
    expect(splitResponse('v2', withOutput({ name: 'p', shape: [3, 2], datatype: 'FP64', data: [1, 2, 3] }), parts([a, b], [1, 2]))).toBeUndefined();
    expect(splitResponse('v2', { error: 'boom' }, parts([a, b], [1, 2]))).toBeUndefined();
  });
});

describe('protocol tensorflow', () => {
  const a = { instances: [[1, 2]] };
  const b = { signature_name: undefined, instances: [[3, 4], [5, 6]] };

  it('concatenates instances of the same shape', () => {
    expect(batchableRequest('tensorflow', body(a))?.key).toBe(batchableRequest('tensorflow', body(b))?.key);
    expect(mergeRequests('tensorflow', [a, b])).toEqual({ instances: [[1, 2], [3, 4], [5, 6]] });
  });

  it('merges named instances with the same inputs, keeping the signature', () => {
    const named = (x: number) => ({ signature_name: 'serving_default', instances: [{ x: [x, x], flag: true }] });
    expect(batchableRequest('tensorflow', body(named(1)))?.key).toBe(batchableRequest('tensorflow', body(named(2)))?.key);
    expect(mergeRequests('tensorflow', [named(1), named(2)])).toEqual({
      signature_name: 'serving_default',
      instances: [
        { x: [1, 1], flag: true },
        { x: [2, 2], flag: true },
      ],
    });
  });

  it('gives another signature, another instance shape or other named inputs another key', () => {
    const key = batchableRequest('tensorflow', body(a))?.key;
    expect(batchableRequest('tensorflow', body({ signature_name: 'other', instances: [[1, 2]] }))?.key).not.toBe(key);
    expect(batchableRequest('tensorflow', body({ instances: [[1, 2, 3]] }))?.key).not.toBe(key);
    expect(batchableRequest('tensorflow', body({ instances: [{ y: [1, 2] }] }))?.key).not.toBe(batchableRequest('tensorflow', body({ instances: [{ x: [1, 2] }] }))?.key);
  });

  it.each([
    ['columnar inputs', { inputs: [[1, 2]] }],
    ['named instances of different shapes', { instances: [{ x: [1, 2] }, { x: [1, 2, 3] }] }],
    ['another top-level field', { instances: [[1, 2]], extra: true }],
  ])('sends a request with %s alone', (_what, request) => {
    expect(batchableRequest('tensorflow', body(request))).toBeUndefined();
  });

  it('splits predictions back, and cannot split fewer predictions than instances', () => {
    expect(splitResponse('tensorflow', { predictions: [[0.1], [0.2], [0.3]] }, parts([a, b], [1, 2]))).toEqual([{ predictions: [[0.1]] }, { predictions: [[0.2], [0.3]] }]);
    expect(splitResponse('tensorflow', { predictions: [[0.1]] }, parts([a, b], [1, 2]))).toBeUndefined();
    expect(splitResponse('tensorflow', { outputs: [[0.1], [0.2], [0.3]] }, parts([a, b], [1, 2]))).toBeUndefined();
  });
});
