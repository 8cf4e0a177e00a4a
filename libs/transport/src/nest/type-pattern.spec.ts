import { TypePatternTable } from './type-pattern';

describe('event type patterns', () => {
  it('matches wildcards across dots and prefers the most specific pattern', () => {
    const table = new TypePatternTable<string>();
    table.add('*', 'any');
    table.add('seldon.*.request', 'requests');
    table.add('seldon.iris.default.request', 'iris');
    expect(table.match('seldon.iris.default.request')).toBe('iris');
    expect(table.match('seldon.other.ns.request')).toBe('requests');
    expect(table.match('dev.knative.sample')).toBe('any');
  });

  it('treats regex characters in types literally', () => {
    const table = new TypePatternTable<string>();
    table.add('a.b', 'exact');
    expect(table.match('a.b')).toBe('exact');
    expect(table.match('aXb')).toBeUndefined();
  });
});
