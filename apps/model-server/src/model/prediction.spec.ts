import { parseSeldonMessage, SeldonPayloadError } from '@seldon-eventing/seldon';
import { DEFAULT_MODEL_URI } from '../config';
import { loadModel } from './model-loader';
import { featureRows, predictMessage } from './prediction';

const { model } = loadModel(DEFAULT_MODEL_URI);
const message = (body: unknown) => parseSeldonMessage(body);

describe('predictMessage', () => {
  it('answers ndarray with ndarray, named t:0..t:2', () => {
    const res = predictMessage(model, message({ data: { ndarray: [[1, 2, 3, 4]] } }));
    expect(res.data.names).toEqual(['t:0', 't:1', 't:2']);
    expect(res.data.ndarray).toEqual(model.predictProba([[1, 2, 3, 4]]));
    expect(res.data.tensor).toBeUndefined();
    expect(res.meta).toEqual({});
  });

  it('answers a tensor with a tensor of shape [rows, classes]', () => {
    const res = predictMessage(model, message({ data: { tensor: { shape: [2, 4], values: [1, 2, 3, 4, 5.1, 3.5, 1.4, 0.2] } } }));
    const expected = model.predictProba([
      [1, 2, 3, 4],
      [5.1, 3.5, 1.4, 0.2],
    ]);
    expect(res.data).toEqual({ names: ['t:0', 't:1', 't:2'], tensor: { shape: [2, 3], values: expected.flat() } });
  });

  it('puts the puid in meta', () => {
    expect(predictMessage(model, message({ data: { ndarray: [[1, 2, 3, 4]] } }), 'abc').meta).toEqual({ puid: 'abc' });
  });

  it('ignores names', () => {
    expect(featureRows(message({ data: { names: ['a', 'b', 'c', 'd'], ndarray: [[1, 2, 3, 4]] } }), model).rows).toEqual([[1, 2, 3, 4]]);
  });

  it.each<[string, unknown, string]>([
    ['strData', { strData: '1,2,3,4' }, 'this model takes data.ndarray or data.tensor with rows of 4 features (sepal length (cm), sepal width (cm), petal length (cm), petal width (cm)), got strData'],
    ['jsonData', { jsonData: [[1, 2, 3, 4]] }, 'got jsonData'],
    ['binData', { binData: 'AAAA' }, 'got binData'],
    ['a tftensor', { data: { tftensor: {} } }, 'data.tftensor is not supported'],
    ['an empty ndarray', { data: { ndarray: [] } }, 'data.ndarray must hold at least one row of 4 features'],
    ['a flat row', { data: { ndarray: [1, 2, 3, 4] } }, 'data.ndarray[0] must be a row of 4 numbers, got number'],
    ['a short row', { data: { ndarray: [[1, 2, 3]] } }, 'data.ndarray[0] has 3 values; this model takes 4 features'],
    ['a long second row', { data: { ndarray: [[1, 2, 3, 4], [1, 2, 3, 4, 5]] } }, 'data.ndarray[1] has 5 values'],
    ['a string feature', { data: { ndarray: [[1, '2', 3, 4]] } }, 'data.ndarray[0][1] must be a number, got string'],
    ['a null feature', { data: { ndarray: [[1, 2, null, 4]] } }, 'data.ndarray[0][2] must be a number, got null'],
    ['a 1-D tensor', { data: { tensor: { shape: [4], values: [1, 2, 3, 4] } } }, 'data.tensor.shape must be [rows, 4] for this model, got [4]'],
    ['a tensor of width 2', { data: { tensor: { shape: [2, 2], values: [1, 2, 3, 4] } } }, 'got [2,2]'],
    ['an empty tensor', { data: { tensor: { shape: [0, 4], values: [] } } }, 'data.tensor must hold at least one row'],
  ])('refuses %s', (_what, body, reason) => {
    const msg = message(body);
    expect(() => predictMessage(model, msg)).toThrow(SeldonPayloadError);
    expect(() => predictMessage(model, msg)).toThrow(reason);
  });
});
