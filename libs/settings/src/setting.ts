/** One environment variable: how it is parsed, its default, and how the README documents it. */
export interface Setting<T> {
  /** The environment variable, e.g. 'KAFKA_MAX_IN_FLIGHT'. */
  readonly name: string;
  /** One sentence, for the README table. */
  readonly description: string;
  /** How the default reads in the README ('64', 'none (off)', '`knative`'). */
  readonly defaultText: string;
  /** Parses the raw value; throws SettingError naming the variable, the bad value and what it accepts. */
  read(raw: string | undefined): T;
}

/** A value a setting refuses. */
export class SettingError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'SettingError';
  }
}

interface Described {
  description: string;
  defaultText?: string;
}

/**
 * An empty (or blank) value counts as unset unless `keepEmpty` is given: a blank line in a .env file or an
 * empty `env:` entry in a manifest then falls back to the default rather than failing.
 */
interface Definition<T> extends Described {
  default: T;
  keepEmpty?: boolean;
  /** What the setting accepts, for the error message ('an integer from 1 to 10000'). */
  accepts: string;
  /** The parsed value, or undefined when the raw text is not acceptable. */
  parse(raw: string): T | undefined;
}

/** Numbers read as numbers in the README, words as code: `knative`, `true`. */
function defaultTextOf(value: unknown): string {
  if (value === undefined) return 'none';
  return typeof value === 'number' ? String(value) : `\`${String(value)}\``;
}

function define<T>(name: string, d: Definition<T>): Setting<T> {
  return {
    name,
    description: d.description,
    defaultText: d.defaultText ?? defaultTextOf(d.default),
    read(raw) {
      if (raw === undefined || (raw.trim() === '' && !d.keepEmpty)) return d.default;
      const value = d.parse(raw);
      if (value === undefined) throw new SettingError(name, `${name} must be ${d.accepts}, got '${raw}'`);
      return value;
    },
  };
}

interface IntOptions extends Described {
  min?: number;
  max?: number;
}

function integerRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`;
  if (min !== undefined) return `an integer of at least ${min}`;
  if (max !== undefined) return `an integer of at most ${max}`;
  return 'an integer';
}

function int(name: string, o: IntOptions & { default: number }): Setting<number>;
function int(name: string, o: IntOptions & { default?: undefined }): Setting<number | undefined>;
function int(name: string, o: IntOptions & { default?: number }): Setting<number | undefined> {
  return define(name, {
    ...o,
    default: o.default,
    accepts: integerRange(o.min, o.max),
    parse: (raw) => {
      // Number() alone would take '1e3', '0x10' and ' ', none of which anyone means as a count.
      if (!/^\s*-?\d+\s*$/.test(raw)) return undefined;
      const value = Number(raw);
      if (!Number.isSafeInteger(value) || (o.min !== undefined && value < o.min) || (o.max !== undefined && value > o.max)) return undefined;
      return value;
    },
  });
}

interface StringOptions extends Described {
  /** An empty value is a value (e.g. "no file"), not "unset". */
  keepEmpty?: boolean;
}

function string(name: string, o: StringOptions & { default: string }): Setting<string>;
function string(name: string, o: StringOptions & { default?: undefined }): Setting<string | undefined>;
function string(name: string, o: StringOptions & { default?: string }): Setting<string | undefined> {
  return define(name, { ...o, default: o.default, accepts: 'a string', parse: (raw) => raw });
}

function oneOf<const V extends string>(name: string, values: readonly V[], o: Described & { default: NoInfer<V> }): Setting<V>;
function oneOf<const V extends string>(name: string, values: readonly V[], o: Described & { default?: undefined }): Setting<V | undefined>;
function oneOf<const V extends string>(name: string, values: readonly V[], o: Described & { default?: V }): Setting<V | undefined> {
  const choices = values.map((v) => `'${v}'`);
  const accepts = choices.length === 1 ? choices[0] : `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
  return define(name, {
    ...o,
    default: o.default,
    accepts: `one of ${accepts}`,
    parse: (raw) => values.find((v) => v.toLowerCase() === raw.trim().toLowerCase()),
  });
}

const TRUE = ['true', '1'];
const FALSE = ['false', '0'];

function bool(name: string, o: Described & { default: boolean }): Setting<boolean> {
  return define(name, {
    ...o,
    accepts: 'true or false',
    parse: (raw) => {
      const value = raw.trim().toLowerCase();
      if (TRUE.includes(value)) return true;
      if (FALSE.includes(value)) return false;
      return undefined;
    },
  });
}

function list(name: string, o: Described & { default: string[]; keepEmpty?: boolean }): Setting<string[]> {
  return define(name, {
    ...o,
    defaultText: o.defaultText ?? (o.default.length === 0 ? 'none' : `\`${o.default.join(',')}\``),
    accepts: 'a comma-separated list',
    parse: (raw) =>
      raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
  });
}

function url(name: string, o: Described & { default: string }): Setting<URL>;
function url(name: string, o: Described & { default?: undefined }): Setting<URL | undefined>;
function url(name: string, o: Described & { default?: string }): Setting<URL | undefined> {
  const parse = (raw: string): URL | undefined => {
    try {
      return new URL(raw.trim());
    } catch {
      return undefined;
    }
  };
  const fallback = o.default === undefined ? undefined : parse(o.default);
  if (o.default !== undefined && !fallback) throw new SettingError(name, `${name}'s default '${o.default}' is not an absolute URL`);
  return define(name, { ...o, default: fallback, defaultText: o.defaultText ?? (o.default ? `\`${o.default}\`` : undefined), accepts: 'an absolute URL', parse });
}

/**
 * A value with its own syntax: `parse` returns it or throws an Error whose message says what it
 * accepts (e.g. "`<namespace>/<name>`"); the setting adds the variable's name and the bad value.
 */
function custom<T>(name: string, parse: (raw: string) => T, o: Described & { default: T; defaultText: string }): Setting<T> {
  return {
    name,
    description: o.description,
    defaultText: o.defaultText,
    read(raw) {
      if (raw === undefined || raw.trim() === '') return o.default;
      try {
        return parse(raw);
      } catch (err) {
        throw new SettingError(name, `${name} must be ${(err as Error).message}, got '${raw}'`);
      }
    },
  };
}

/** The kinds of setting; each returns `Setting<T>`, or `Setting<T | undefined>` when it has no default. */
export const setting = { int, string, oneOf, bool, list, url, custom };
