// Knative parses durations with github.com/rickb777/date/period and converts them with
// Period.Duration(): weeks are 7 days, days 24 hours, and - the only approximations - a year is
// 365.2425 days (the Gregorian average) and a month a twelfth of that, 30.436875 days.

// Per component, in nanoseconds (all whole numbers), so that sums are exact.
const NS_PER_MS = 1_000_000n;
const NS_PER_SECOND = 1000n * NS_PER_MS;
const NS_PER_MINUTE = 60n * NS_PER_SECOND;
const NS_PER_HOUR = 60n * NS_PER_MINUTE;
const NS_PER_DAY = 24n * NS_PER_HOUR;
const NS_PER_WEEK = 7n * NS_PER_DAY;
const NS_PER_YEAR = 31_556_952n * NS_PER_SECOND; // 365.2425 days
const NS_PER_MONTH = NS_PER_YEAR / 12n; // 30.436875 days

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const ISO_DURATION = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);
const FACTORS = [NS_PER_YEAR, NS_PER_MONTH, NS_PER_WEEK, NS_PER_DAY, NS_PER_HOUR, NS_PER_MINUTE, NS_PER_SECOND];

function invalid(text: string, why: string): RangeError {
  return new RangeError(`invalid ISO-8601 duration ${JSON.stringify(text)}: ${why} (examples: PT0.2S, PT1M30S, P1DT2H)`);
}

/**
 * An ISO-8601 duration (`PT0.2S`, `PT1M`, `P1D`, `P1Y2M3W4DT5H6M7.5S`...) in milliseconds, possibly
 * fractional (`PT0.0005S` is 0.5). Designators are upper case, a decimal fraction (`.` or `,`) is
 * allowed on any component, negative durations are not. Bad input is a RangeError saying why.
 */
export function parseIsoDuration(text: string): number {
  if (typeof text !== 'string') throw new RangeError(`an ISO-8601 duration must be a string, got ${text === null ? 'null' : typeof text}`);
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) throw invalid(text, 'negative durations are not allowed');
  const match = ISO_DURATION.exec(trimmed);
  if (!match) {
    if (!/^P/.test(trimmed)) throw invalid(text, "it must start with 'P'");
    throw invalid(text, 'expected P[nY][nM][nW][nD][T[nH][nM][nS]] with upper-case designators in that order');
  }
  const parts = match.slice(1);
  if (trimmed.includes('T') && parts.slice(4).every((p) => p === undefined)) throw invalid(text, "'T' must be followed by hours, minutes or seconds");
  if (parts.every((p) => p === undefined)) throw invalid(text, 'it has no components');
  // Decimal arithmetic on nanoseconds (fractions below a nanosecond are dropped, as in Go):
  // 0.07 * 1000 is 70, not 70.00000000000001.
  let ns = 0n;
  parts.forEach((part, i) => {
    if (part === undefined) return;
    const [whole, fraction = ''] = part.split(/[.,]/);
    ns += BigInt(whole) * FACTORS[i];
    if (fraction !== '') ns += (BigInt(fraction) * FACTORS[i]) / 10n ** BigInt(fraction.length);
  });
  const ms = Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
  if (!Number.isSafeInteger(Math.floor(ms))) throw invalid(text, 'it is too long');
  return ms;
}
