import { withExtensions, type CloudEvent } from '@seldon-eventing/cloudevents';

export type EventOverrides = (event: CloudEvent) => CloudEvent;

const identity: EventOverrides = (event) => event;

/**
 * K_CE_OVERRIDES, as Knative sources receive it: `{"extensions":{"name":"value"}}` added to every
 * event a service emits. A malformed value is a start-up error rather than silently ignored.
 */
export function ceOverrides(raw: string | undefined): EventOverrides {
  if (!raw || raw.trim() === '') return identity;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`K_CE_OVERRIDES is not valid JSON: ${(err as Error).message}`);
  }
  const extensions = (parsed as { extensions?: unknown })?.extensions;
  if (extensions === undefined) return identity;
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) {
    throw new Error('K_CE_OVERRIDES.extensions must be an object of extension names to values');
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(extensions)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new Error(`K_CE_OVERRIDES.extensions.${name} must be a string, number or boolean`);
    }
    values[name] = String(value);
  }
  return (event) => withExtensions(event, values);
}
