import { envInt, envList } from './env';

describe('service configuration', () => {
  it('refuses a malformed number instead of falling back silently', () => {
    expect(envInt('PORT', 8080, {})).toBe(8080);
    expect(envInt('PORT', 8080, { PORT: '9000' })).toBe(9000);
    expect(() => envInt('PORT', 8080, { PORT: 'eighty' })).toThrow("PORT must be a non-negative integer, got 'eighty'");
    expect(envList('EVENTING_MANIFESTS', ['config'], { EVENTING_MANIFESTS: 'a.yaml, ,b' })).toEqual(['a.yaml', 'b']);
  });

});
