import { bySpecificity, compileTypePattern } from './type-pattern';

describe('event type patterns', () => {
  it('matches wildcards across dots', () => {
    expect(compileTypePattern('seldon.*.request').test('seldon.iris.default.request')).toBe(true);
    expect(compileTypePattern('seldon.*.request').test('seldon.iris.default.response')).toBe(false);
    expect(compileTypePattern('*').test('dev.knative.sample')).toBe(true);
  });

  it('orders the most specific pattern first: fewest wildcards, then longest', () => {
    expect(['*', 'seldon.*', 'seldon.*.request', 'seldon.iris.default.request'].sort(bySpecificity)).toEqual([
      'seldon.iris.default.request',
      'seldon.*.request',
      'seldon.*',
      '*',
    ]);
  });

  it('treats regex characters in types literally', () => {
    expect(compileTypePattern('a.b').test('a.b')).toBe(true);
    expect(compileTypePattern('a.b').test('aXb')).toBe(false);
  });
});
