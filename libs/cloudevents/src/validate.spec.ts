import { CloudEventValidationError, createEvent, isValidExtensionName, validateEvent, type CloudEvent } from './index';

function event(overrides: Partial<Record<keyof CloudEvent, unknown>> = {}): CloudEvent {
  return { specversion: '1.0', id: 'a1', source: '/src', type: 'com.example.t', extensions: {}, ...overrides } as CloudEvent;
}

function rejection(candidate: unknown): CloudEventValidationError {
  try {
    validateEvent(candidate as CloudEvent);
  } catch (err) {
    expect(err).toBeInstanceOf(CloudEventValidationError);
    return err as CloudEventValidationError;
  }
  throw new Error('expected a CloudEventValidationError');
}

describe('validateEvent', () => {
  it('returns the very same object for a valid event, without filling anything in', () => {
    const valid = event();
    expect(validateEvent(valid)).toBe(valid);
    expect(valid).toEqual({ specversion: '1.0', id: 'a1', source: '/src', type: 'com.example.t', extensions: {} });
  });

  it.each(['id', 'source', 'type', 'specversion'])("names a missing required attribute: '%s'", (name) => {
    const err = rejection(event({ [name]: undefined }));
    expect(err.attribute).toBe(name);
    expect(err.message).toBe(`missing required attribute '${name}'`);
  });

  it.each(['id', 'source', 'type'])("refuses an empty or non-string '%s'", (name) => {
    expect(rejection(event({ [name]: '' })).message).toBe(`attribute '${name}' must not be empty`);
    expect(rejection(event({ [name]: 42 })).message).toBe(`attribute '${name}' must be a string, got number`);
  });

  it.each(['2.0', '1', '0.2', '1.0 '])('refuses specversion %p', (version) => {
    const err = rejection(event({ specversion: version }));
    expect(err.attribute).toBe('specversion');
    expect(err.message).toBe(`unsupported specversion '${version}'`);
  });

  it.each([
    '2024-01-31T23:59:59Z',
    '2024-02-29T00:00:00.123456789+05:30',
    '1985-04-12t23:20:50.52z',
    '1990-12-31T23:59:60Z',
    '2018-04-05T17:31:00-00:00',
  ])('accepts the RFC 3339 time %p', (time) => {
    expect(() => validateEvent(event({ time }))).not.toThrow();
  });

  it.each([
    'yesterday',
    '2024-01-31',
    '2024-01-31 23:59:59Z',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:00:00',
    '2024-01-01T00:00:00+0100',
    '2024-01-01T00:00:00.Z',
    '１２３４-01-01T00:00:00Z',
  ])('refuses the time %p', (time) => {
    const err = rejection(event({ time }));
    expect(err.attribute).toBe('time');
    expect(err.message).toContain("attribute 'time' is not an RFC 3339 timestamp");
  });

  it.each(['application/json', 'text/plain; charset="utf-8"', 'application/vnd.a+json;v=1;;x=y', 'a/b ; c=d'])(
    'accepts the media type %p',
    (datacontenttype) => {
      expect(() => validateEvent(event({ datacontenttype }))).not.toThrow();
    },
  );

  it.each(['json', 'application/', '/json', 'text/plain;charset', 'text/plain; a="unterminated', 'text plain/x', 'a/b c'])(
    'refuses the media type %p',
    (datacontenttype) => {
      const err = rejection(event({ datacontenttype }));
      expect(err.attribute).toBe('datacontenttype');
      expect(err.message).toContain("attribute 'datacontenttype' is not a media type");
    },
  );

  it('wants subject non-empty and dataschema an absolute URI', () => {
    expect(rejection(event({ subject: '' })).message).toBe("attribute 'subject' must not be empty");
    expect(rejection(event({ dataschema: '/schemas/a.json' })).message).toBe(
      "attribute 'dataschema' must be an absolute URI: '/schemas/a.json'",
    );
    expect(() => validateEvent(event({ dataschema: 'https://example.com/s.json' }))).not.toThrow();
  });

  it('refuses characters the String type forbids, naming the attribute and the character', () => {
    expect(rejection(event({ subject: 'a\nb' })).message).toBe(
      "attribute 'subject' contains the disallowed character U+000A at index 1",
    );
    expect(rejection(event({ id: 'x\u0085' })).attribute).toBe('id');
    expect(rejection(event({ source: '\ud800' })).message).toContain('U+D800');
    expect(rejection(event({ type: 'a\ufffe' })).message).toContain('U+FFFE');
    expect(rejection(event({ extensions: { trace: '\u007f' } })).message).toBe(
      "extension 'trace' contains the disallowed character U+007F at index 0",
    );
    // A proper surrogate pair and ordinary non-ASCII text are fine.
    expect(() => validateEvent(event({ subject: 'Euro € 😀 ü' }))).not.toThrow();
    // U+10FFFF is a noncharacter even as a pair.
    expect(rejection(event({ subject: '\udbff\udfff' })).message).toContain('U+DBFF');
  });

  it('keeps attributes to their version: dataschema is 1.0, schemaurl and datacontentencoding 0.3', () => {
    expect(rejection(event({ schemaurl: 'http://x' })).message).toBe(
      "attribute 'schemaurl' is not defined in specversion 1.0; carry it in extensions instead",
    );
    expect(rejection(event({ datacontentencoding: 'base64' })).attribute).toBe('datacontentencoding');
    expect(rejection(event({ specversion: '0.3', dataschema: 'http://x' })).message).toBe(
      "attribute 'dataschema' is not defined in specversion 0.3; carry it in extensions instead",
    );
    // ...while the other version's names are ordinary extensions.
    expect(() => validateEvent(event({ extensions: { schemaurl: 'http://x', datacontentencoding: 'b' } }))).not.toThrow();
    expect(() => validateEvent(event({ specversion: '0.3', extensions: { dataschema: 'http://x' } }))).not.toThrow();
    expect(() => validateEvent(event({ specversion: '0.3', schemaurl: 'schema.json', datacontentencoding: 'base64' }))).not.toThrow();
  });

  it('checks extension names and values', () => {
    expect(rejection(event({ extensions: { Foo_bar: 'x' } })).message).toBe("invalid extension name 'Foo_bar'");
    expect(rejection(event({ extensions: { Foo_bar: 'x' } })).attribute).toBe('Foo_bar');
    expect(rejection(event({ extensions: { data: 'x' } })).message).toBe("invalid extension name 'data'");
    expect(rejection(event({ extensions: { id: 'x' } })).message).toBe(
      "invalid extension name 'id' (a context attribute of specversion 1.0)",
    );
    expect(rejection(event({ extensions: { n: 5 } })).message).toBe("extension 'n' must be a string, got number");
    expect(rejection(event({ extensions: null })).attribute).toBe('extensions');
    expect(() => validateEvent(event({ extensions: { averyveryverylongextensionname: 'x' } }))).not.toThrow();
  });

  it('refuses data that is not a Buffer and properties no codec would carry', () => {
    expect(rejection(event({ data: 'text' })).message).toBe("'data' must be a Buffer, got string");
    const stray = { ...event(), partitionkey: 'k' };
    expect(rejection(stray).message).toBe("unknown event property 'partitionkey': extension attributes belong in 'extensions'");
  });

  it('refuses non-objects', () => {
    expect(rejection(null).attribute).toBeUndefined();
    expect(rejection('event').message).toBe('an event must be an object, got string');
  });

  it('shows hostile values cut short and escaped', () => {
    const err = rejection(event({ specversion: `9\n${'x'.repeat(500)}` }));
    expect(err.message).not.toContain('\n');
    expect(err.message.length).toBeLessThan(120);
  });

  it('has a recognisable name', () => {
    const err = new CloudEventValidationError('id', 'm');
    expect(err.name).toBe('CloudEventValidationError');
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toBe('CloudEventValidationError: m');
  });
});

describe('isValidExtensionName', () => {
  it.each(['a', 'traceparent', 'partitionkey', 'x1', '1x', 'averyveryverylongextensionname'])('accepts %p', (name) => {
    expect(isValidExtensionName(name)).toBe(true);
  });

  it.each(['', 'Foo', 'foo_bar', 'foo-bar', 'data', 'data_base64', 'id', 'specversion', 'dataschema', 'schemaurl', 'é'])(
    'refuses %p',
    (name) => {
      expect(isValidExtensionName(name)).toBe(false);
    },
  );

  it('judges a name against one version when given', () => {
    expect(isValidExtensionName('schemaurl', '1.0')).toBe(true);
    expect(isValidExtensionName('schemaurl', '0.3')).toBe(false);
    expect(isValidExtensionName('dataschema', '0.3')).toBe(true);
    expect(isValidExtensionName('dataschema', '1.0')).toBe(false);
  });

  it('is what createEvent enforces', () => {
    expect(() => createEvent({ source: '/s', type: 't', extensions: { Bad: 'x' } })).toThrow("invalid extension name 'Bad'");
  });
});
