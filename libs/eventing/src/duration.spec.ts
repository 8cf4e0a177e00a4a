import fc from 'fast-check';
import { parseIsoDuration } from './index';

describe('parseIsoDuration', () => {
  it.each<[string, number]>([
    ['PT0.2S', 200],
    ['PT1S', 1000],
    ['PT0.5S', 500],
    ['PT2.5S', 2500],
    ['PT0,5S', 500],
    ['PT0.001S', 1],
    ['PT0.0005S', 0.5],
    ['PT0.07S', 70],
    ['PT0S', 0],
    ['PT1M', 60_000],
    ['PT1M30S', 90_000],
    ['PT1H', 3_600_000],
    ['PT1.5H', 5_400_000],
    ['PT1H2M3.5S', 3_723_500],
    ['P1D', 86_400_000],
    ['P1W', 604_800_000],
    ['P1DT12H', 129_600_000],
    ['P0D', 0],
    // Knative's period library: a year is 365.2425 days, a month a twelfth of that.
    ['P1Y', 31_556_952_000],
    ['P1M', 2_629_746_000],
    ['P1Y2M3W4DT5H6M7.5S', 31_556_952_000 + 2 * 2_629_746_000 + 3 * 604_800_000 + 4 * 86_400_000 + 5 * 3_600_000 + 6 * 60_000 + 7_500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each<[string, RegExp]>([
    ['', /it must start with 'P'/],
    ['5s', /it must start with 'P'/],
    ['1000', /it must start with 'P'/],
    ['P', /it has no components/],
    ['PT', /'T' must be followed by hours, minutes or seconds/],
    ['P1DT', /'T' must be followed by hours, minutes or seconds/],
    ['PT1.S', /expected P\[nY\]\[nM\]\[nW\]\[nD\]\[T\[nH\]\[nM\]\[nS\]\]/],
    ['pt1s', /it must start with 'P'/],
    ['PT1s', /upper-case designators in that order/],
    ['PT1S1M', /in that order/],
    ['P1H', /in that order/],
    ['-PT1S', /negative durations are not allowed/],
    ['PT1E3S', /expected/],
    [`PT${'9'.repeat(400)}S`, /it is too long/],
  ])('refuses %j with a RangeError saying why', (text, why) => {
    expect(() => parseIsoDuration(text)).toThrow(RangeError);
    expect(() => parseIsoDuration(text)).toThrow(why);
  });

  it('refuses non-strings with a RangeError', () => {
    expect(() => parseIsoDuration(5 as unknown as string)).toThrow(new RangeError('an ISO-8601 duration must be a string, got number'));
  });

  it('reads any whole or decimal number of seconds exactly (to the microsecond)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 999_999 }), (whole, micros) => {
        const text = `PT${whole}.${String(micros).padStart(6, '0')}S`;
        expect(parseIsoDuration(text)).toBeCloseTo(whole * 1000 + micros / 1000, 6);
      }),
      { numRuns: 200 },
    );
  });
});
