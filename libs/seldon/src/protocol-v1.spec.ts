import { parseSeldonMessage, SELDON_PUID_HEADER, SeldonPayloadError, seldonError } from './index';

const bad = (body: unknown): SeldonPayloadError => {
  try {
    parseSeldonMessage(body);
  } catch (err) {
    if (err instanceof SeldonPayloadError) return err;
    throw err;
  }
  throw new Error(`${JSON.stringify(body)} was accepted`);
};

describe('parseSeldonMessage: valid messages', () => {
  it('takes the seed payload as bytes, text or a parsed value', () => {
    const seed = '{"data": { "ndarray": [[1,2,3,4]]}}';
    const expected = { data: { ndarray: [[1, 2, 3, 4]] } };
    expect(parseSeldonMessage(Buffer.from(seed))).toEqual(expected);
    expect(parseSeldonMessage(seed)).toEqual(expected);
    expect(parseSeldonMessage(expected)).toBe(expected);
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(parseSeldonMessage(Buffer.from('\ufeff{"strData":"x"}'))).toEqual({ strData: 'x' });
  });

  it.each<[string, unknown]>([
    ['ndarray with names', { data: { names: ['a', 'b'], ndarray: [[1, 2]] } }],
    ['an ndarray of strings', { data: { ndarray: ['hello'] } }],
    ['an empty ndarray', { data: { ndarray: [] } }],
    ['a tensor', { data: { tensor: { shape: [2, 2], values: [1, 2, 3, 4] } } }],
    ['a scalar tensor', { data: { tensor: { shape: [], values: [7] } } }],
    ['an empty tensor', { data: { tensor: { shape: [0, 4], values: [] } } }],
    ['a tftensor', { data: { tftensor: { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: 1 }] }, float_val: [1] } } }],
    ['strData', { strData: 'some text' }],
    ['jsonData', { jsonData: { any: ['json', 1, null] } }],
    ['jsonData null', { jsonData: null }],
    ['binData', { binData: 'aGVsbG8=' }],
    ['url-safe binData', { binData: 'aGV-_G8' }],
    ['customData', { customData: { '@type': 'type.googleapis.com/x', value: 'AA==' } }],
    ['meta with puid and tags', { meta: { puid: 'abc', tags: { a: 1 }, routing: {}, requestPath: {}, metrics: [] }, data: { ndarray: [1] } }],
  ])('accepts %s', (_what, message) => {
    expect(parseSeldonMessage(message)).toEqual(message);
  });
});

describe('parseSeldonMessage: invalid messages', () => {
  it.each<[string, unknown, string]>([
    ['an empty body', Buffer.alloc(0), 'request body is empty'],
    ['a blank body', '  \n', 'request body is empty'],
    ['malformed JSON', Buffer.from('{"data": {'), 'request body is not valid JSON'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'request body is not valid UTF-8'],
    ['a JSON array', '[[1,2,3,4]]', 'a SeldonMessage must be a JSON object, got array'],
    ['a JSON number', '42', 'a SeldonMessage must be a JSON object, got number'],
    ['null', null, 'a SeldonMessage must be a JSON object, got null'],
    ['no payload', {}, 'the message has no payload: expected one of data, strData, jsonData, binData, customData'],
    ['only meta', { meta: { puid: 'x' } }, 'the message has no payload'],
    ['an unknown field', { data: { ndarray: [1] }, ndarray: [1] }, "unknown field 'ndarray': a SeldonMessage has data, strData, jsonData, binData, customData, meta and status"],
    ['two payloads', { data: { ndarray: [1] }, strData: 'x' }, 'only one of data, strData, jsonData, binData, customData may be set, got data and strData'],
    ['data that is an array', { data: [[1, 2]] }, 'data must be an object with ndarray or tensor, got array'],
    ['data null', { data: null }, 'data must be an object with ndarray or tensor, got null'],
    ['data without ndarray or tensor', { data: { names: ['a'] } }, 'data must hold one of ndarray, tensor or tftensor'],
    ['ndarray and tensor together', { data: { ndarray: [1], tensor: { shape: [1], values: [1] } } }, 'data may hold only one of ndarray, tensor and tftensor, got ndarray and tensor'],
    ['an unknown data field', { data: { ndarray: [1], array: [1] } }, "unknown field 'data.array'"],
    ['ndarray that is an object', { data: { ndarray: { a: 1 } } }, 'data.ndarray must be an array, got object'],
    ['ndarray that is a number', { data: { ndarray: 5 } }, 'data.ndarray must be an array, got number'],
    ['names that are not an array', { data: { names: 'a', ndarray: [1] } }, 'data.names must be an array of strings, got string'],
    ['a numeric name', { data: { names: ['a', 2], ndarray: [1] } }, 'data.names[1] must be a string, got number'],
    ['a tensor that is an array', { data: { tensor: [1, 2] } }, 'data.tensor must be an object with shape and values, got array'],
    ['a tensor without shape', { data: { tensor: { values: [1] } } }, 'data.tensor.shape is required'],
    ['a tensor without values', { data: { tensor: { shape: [1] } } }, 'data.tensor.values is required'],
    ['a fractional dimension', { data: { tensor: { shape: [1.5], values: [1] } } }, 'data.tensor.shape[0] must be a non-negative integer, got 1.5'],
    ['a negative dimension', { data: { tensor: { shape: [2, -1], values: [1] } } }, 'data.tensor.shape[1] must be a non-negative integer, got -1'],
    ['a string dimension', { data: { tensor: { shape: ['2'], values: [1, 2] } } }, 'data.tensor.shape[0] must be a non-negative integer, got string'],
    ['values that are not an array', { data: { tensor: { shape: [1], values: 1 } } }, 'data.tensor.values must be an array of numbers, got number'],
    ['a non-numeric value', { data: { tensor: { shape: [2], values: [1, 'x'] } } }, 'data.tensor.values[1] must be a number, got string'],
    ['too few values', { data: { tensor: { shape: [2, 2], values: [1, 2, 3] } } }, 'data.tensor.values length 3 does not match shape [2,2] (4 values)'],
    ['too many values', { data: { tensor: { shape: [1, 2], values: [1, 2, 3] } } }, 'data.tensor.values length 3 does not match shape [1,2] (2 values)'],
    ['an unknown tensor field', { data: { tensor: { shape: [1], values: [1], dtype: 'float' } } }, "unknown field 'data.tensor.dtype'"],
    ['a tftensor that is a list', { data: { tftensor: [1] } }, 'data.tftensor must be an object'],
    ['numeric strData', { strData: 5 }, 'strData must be a string, got number'],
    ['binData that is not base64', { binData: 'not base64!' }, 'binData must be base64'],
    ['binData of impossible length', { binData: 'abcde' }, 'binData must be base64'],
    ['binData that is an array', { binData: [1, 2] }, 'binData must be a base64 string, got array'],
    ['customData that is a string', { customData: 'x' }, 'customData must be an object (a protobuf Any), got string'],
    ['meta that is a list', { data: { ndarray: [1] }, meta: [] }, 'meta must be an object, got array'],
    ['a numeric puid', { data: { ndarray: [1] }, meta: { puid: 1 } }, 'meta.puid must be a string, got number'],
    ['tags that are a list', { data: { ndarray: [1] }, meta: { tags: [] } }, 'meta.tags must be an object, got array'],
  ])('rejects %s', (_what, body, reason) => {
    const err = bad(body);
    expect(err.message).toContain(reason);
    expect(err.status).toBe(400);
    expect(err.reason).toBe('MICROSERVICE_BAD_DATA');
  });

  it('quotes the JSON parser in its message', () => {
    expect(bad('{"data": {').message).toMatch(/^request body is not valid JSON: .+/);
  });
});

describe('Seldon status bodies', () => {
  it('builds the FAILURE body, MICROSERVICE_BAD_DATA by default', () => {
    expect(seldonError(400, 'data.ndarray must be an array')).toEqual({
      status: { code: 400, info: 'data.ndarray must be an array', reason: 'MICROSERVICE_BAD_DATA', status: 'FAILURE' },
    });
  });

  it('defaults the reason of a 5xx to MICROSERVICE_INTERNAL_ERROR and takes any reason given', () => {
    expect(seldonError(500, 'boom').status.reason).toBe('MICROSERVICE_INTERNAL_ERROR');
    expect(seldonError(400, 'x', 'MICROSERVICE_BAD_METADATA').status.reason).toBe('MICROSERVICE_BAD_METADATA');
  });

  it('turns a payload error into its body', () => {
    const err = new SeldonPayloadError('data.ndarray must be an array');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('SeldonPayloadError');
    expect(err.toSeldonStatus()).toEqual(seldonError(400, 'data.ndarray must be an array'));
  });

  it('names the puid header in lower case, as Node sees headers', () => {
    expect(SELDON_PUID_HEADER).toBe('seldon-puid');
  });
});
