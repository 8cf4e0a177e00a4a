import { CloudEventValidationError, show } from './errors';
import { jsonTypeOf } from './json-value';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * An extension value in its canonical string form: the spec's Boolean ("true"/"false"), Integer
 * (32-bit, decimal) or String. Extensions are held as strings because that is what HTTP and Kafka
 * headers carry; a number outside the Integer range has no canonical form, so it is refused
 * rather than silently turned into something a peer would read differently.
 */
export function canonicalExtensionValue(name: string, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return String(value);
      throw new CloudEventValidationError(
        name,
        `extension '${name}' must be an integer from ${INT32_MIN} to ${INT32_MAX}, got ${show(value)}`,
      );
    default:
      throw new CloudEventValidationError(
        name,
        `extension '${name}' must be a string, an integer or a boolean, got ${jsonTypeOf(value)}`,
      );
  }
}
