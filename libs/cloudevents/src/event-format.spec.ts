import { createEvent } from './event';
import { eventJson, formatEvent } from './event-format';

const base = { id: 'e-1', source: 'tests/display', type: 'test.display' };

describe('formatEvent', () => {
  // The layout of Knative's event_display: "☁️  cloudevents.Event" and then the Go SDK's
  // Event.String() (sdk-go v2 event/event.go, eventcontext_v1.go): context attributes in the
  // SDK's order, extensions sorted by name, JSON data indented by two under "Data,".
  it('prints context attributes in the SDK order, extensions sorted, JSON data pretty-printed', () => {
    const event = createEvent({
      ...base,
      subject: 'iris',
      time: '2026-01-02T03:04:05Z',
      dataschema: 'https://example.com/schema',
      datacontenttype: 'application/json',
      extensions: { zeta: 'last', alpha: 'first' },
      data: Buffer.from('{"data":{"ndarray":[[1,2]]},"meta":{}}'),
    });
    expect(formatEvent(event)).toBe(
      [
        '☁️  cloudevents.Event',
        'Context Attributes,',
        '  specversion: 1.0',
        '  type: test.display',
        '  source: tests/display',
        '  subject: iris',
        '  id: e-1',
        '  time: 2026-01-02T03:04:05Z',
        '  dataschema: https://example.com/schema',
        '  datacontenttype: application/json',
        'Extensions,',
        '  alpha: first',
        '  zeta: last',
        'Data,',
        '  {',
        '    "data": {',
        '      "ndarray": [',
        '        [',
        '          1,',
        '          2',
        '        ]',
        '      ]',
        '    },',
        '    "meta": {}',
        '  }',
      ].join('\n'),
    );
  });

  it('leaves out absent attributes, the Extensions block without extensions and the Data block without data', () => {
    expect(formatEvent(createEvent(base))).toBe(
      ['☁️  cloudevents.Event', 'Context Attributes,', '  specversion: 1.0', '  type: test.display', '  source: tests/display', '  id: e-1'].join('\n'),
    );
  });

  it('prints text data as it came, and JSON-typed data that does not parse as it came too', () => {
    const text = formatEvent(createEvent({ ...base, datacontenttype: 'text/plain', data: 'line one\nline two' }));
    expect(text.split('\n').slice(-3)).toEqual(['Data,', '  line one', '  line two']);
    const broken = formatEvent(createEvent({ ...base, datacontenttype: 'application/json', data: Buffer.from('{"not json') }));
    expect(broken.split('\n').slice(-2)).toEqual(['Data,', '  {"not json']);
  });

  it('prints the 0.3 attributes under their 0.3 names', () => {
    const event = createEvent({ ...base, specversion: '0.3', schemaurl: 'https://example.com/s' });
    expect(formatEvent(event)).toContain('  specversion: 0.3\n  type: test.display\n  source: tests/display\n  id: e-1\n  schemaurl: https://example.com/s');
  });
});

describe('eventJson', () => {
  it('gives JSON data as JSON, with attributes and extensions at the top level', () => {
    const event = createEvent({ ...base, datacontenttype: 'application/cloudevents-test+json', extensions: { seldonpuid: 'p-1' }, data: Buffer.from('{"a":[1]}') });
    expect(eventJson(event)).toEqual({
      specversion: '1.0',
      type: 'test.display',
      source: 'tests/display',
      id: 'e-1',
      datacontenttype: 'application/cloudevents-test+json',
      seldonpuid: 'p-1',
      data: { a: [1] },
    });
  });

  it('gives text data as a string', () => {
    expect(eventJson(createEvent({ ...base, datacontenttype: 'text/csv', data: '1,2\n3,4' })).data).toBe('1,2\n3,4');
  });

  it('gives binary data, and JSON-typed data that does not parse, as data_base64', () => {
    const bytes = Buffer.from([0, 1, 254, 255]);
    const binary = eventJson(createEvent({ ...base, datacontenttype: 'application/octet-stream', data: bytes }));
    expect(binary).not.toHaveProperty('data');
    expect(binary.data_base64).toBe(bytes.toString('base64'));
    const broken = eventJson(createEvent({ ...base, datacontenttype: 'application/json', data: Buffer.from('{') }));
    expect(broken.data_base64).toBe(Buffer.from('{').toString('base64'));
  });

  it('has no data member for an event without data', () => {
    const json = eventJson(createEvent(base));
    expect(Object.keys(json)).toEqual(['specversion', 'type', 'source', 'id']);
  });
});
