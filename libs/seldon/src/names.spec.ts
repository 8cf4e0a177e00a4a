import fc from 'fast-check';
import { isDns1123Label, parseRequestType, parseResponseType, requestType, responseSource, responseType } from './index';

describe('Seldon event naming', () => {
  const iris = { deployment: 'iris-deployment', namespace: 'default' };

  it('names request and response types seldon.<deployment>.<namespace>.<request|response>', () => {
    expect(requestType(iris)).toBe('seldon.iris-deployment.default.request');
    expect(responseType(iris)).toBe('seldon.iris-deployment.default.response');
  });

  it('names the response source after the deployment only, without the namespace', () => {
    expect(responseSource('iris-deployment')).toBe('seldon.iris-deployment');
  });

  it('parses request types back', () => {
    expect(parseRequestType('seldon.iris-deployment.default.request')).toEqual(iris);
    expect(parseRequestType('seldon.a.b.request')).toEqual({ deployment: 'a', namespace: 'b' });
    expect(parseResponseType('seldon.iris-deployment.default.response')).toEqual(iris);
  });

  it.each([
    ['the response type', 'seldon.a.b.response'],
    ['another prefix', 'kseldon.a.b.request'],
    ['a missing namespace', 'seldon.a.request'],
    ['a dotted name', 'seldon.a.b.c.request'],
    ['an empty name', 'seldon..b.request'],
    ['upper case', 'seldon.Iris.default.request'],
    ['an underscore', 'seldon.iris_1.default.request'],
    ['a leading dash', 'seldon.-iris.default.request'],
    ['a trailing dash', 'seldon.iris.default-.request'],
    ['a 64-character name', `seldon.${'a'.repeat(64)}.default.request`],
    ['the empty string', ''],
  ])('rejects %s', (_what, type) => {
    expect(parseRequestType(type)).toBeUndefined();
  });

  it('tolerates non-strings without throwing', () => {
    expect(parseRequestType(undefined as unknown as string)).toBeUndefined();
    expect(parseRequestType(42 as unknown as string)).toBeUndefined();
  });

  it('accepts a 63-character label', () => {
    const long = 'a'.repeat(63);
    expect(isDns1123Label(long)).toBe(true);
    expect(parseRequestType(`seldon.${long}.ns.request`)).toEqual({ deployment: long, namespace: 'ns' });
  });

  it('round-trips every pair of DNS-1123 labels', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    fc.assert(
      fc.property(label, label, (deployment, namespace) => {
        expect(parseRequestType(requestType({ deployment, namespace }))).toEqual({ deployment, namespace });
        expect(parseResponseType(responseType({ deployment, namespace }))).toEqual({ deployment, namespace });
        expect(parseRequestType(responseType({ deployment, namespace }))).toBeUndefined();
      }),
    );
  });
});
