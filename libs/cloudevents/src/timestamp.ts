// RFC 3339 section 5.6 `date-time`: T and Z may be lower-case (ABNF strings are case-insensitive),
// any number of fraction digits, a numeric offset or Z. Linear: no nested quantifiers.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1];
}

/**
 * Whether `value` is an RFC 3339 timestamp, field ranges included (the pattern alone lets
 * "2024-02-30T25:00:00Z" through). Second 60 is allowed: RFC 3339 has leap seconds.
 */
export function isRfc3339(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (m === null) return false;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (+m[4] > 23 || +m[5] > 59 || +m[6] > 60) return false;
  if (m[7] !== undefined && (+m[7] > 23 || +m[8] > 59)) return false;
  return true;
}
