import { createEvent } from '@seldon-eventing/cloudevents';
import { ceOverrides } from './overrides';

describe('K_CE_OVERRIDES', () => {
  const event = createEvent({ source: 's', type: 't', extensions: { keep: 'yes' } });

  it('adds the extensions to every emitted event', () => {
    const apply = ceOverrides('{"extensions":{"team":"ml","priority":3}}');
    expect(apply(event).extensions).toEqual({ keep: 'yes', team: 'ml', priority: '3' });
    expect(event.extensions).toEqual({ keep: 'yes' });
  });

  it('is a no-op when unset or without extensions', () => {
    expect(ceOverrides(undefined)(event)).toBe(event);
    expect(ceOverrides('{}')(event)).toBe(event);
  });

  it('refuses malformed settings at start-up', () => {
    expect(() => ceOverrides('{nope')).toThrow(/K_CE_OVERRIDES is not valid JSON/);
    expect(() => ceOverrides('{"extensions":[1]}')).toThrow(/must be an object/);
    expect(() => ceOverrides('{"extensions":{"a":{"b":1}}}')).toThrow(/extensions\.a/);
  });
});
