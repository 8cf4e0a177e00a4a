import { ManifestError, loadManifests, parseBroker, parseTrigger, type KubeObject } from './index';

function one(yaml: string, source = 'config/x.yaml'): KubeObject {
  const objects = loadManifests(yaml, source);
  expect(objects).toHaveLength(1);
  return objects[0];
}

function triggerYaml(spec: string, apiVersion = 'eventing.knative.dev/v1', metadata = '{ name: foo }'): string {
  return `apiVersion: ${apiVersion}\nkind: Trigger\nmetadata: ${metadata}\nspec:\n${spec
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

function parseError(yaml: string): string {
  const obj = one(yaml);
  try {
    parseTrigger(obj);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return (err as Error).message;
  }
  throw new Error('expected a ManifestError');
}

describe('parseTrigger', () => {
  it.each(['v1alpha1', 'v1beta1', 'v1'])('accepts eventing.knative.dev/%s with the same shape', (version) => {
    const trigger = parseTrigger(
      one(
        triggerYaml(
          'broker: events\nfilter: { attributes: { type: a.b } }\nsubscriber: { ref: { apiVersion: v1, kind: Service, name: display } }',
          `eventing.knative.dev/${version}`,
          '{ name: t, namespace: team, annotations: { owner: me } }',
        ),
      ),
    );
    expect(trigger).toEqual({
      name: 't',
      namespace: 'team',
      broker: 'events',
      annotations: { owner: 'me' },
      filter: { attributes: { type: 'a.b' } },
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'display', namespace: 'team' } },
    });
  });

  it("defaults the broker to 'default', the namespace to 'default' and keeps an explicit ref namespace", () => {
    const trigger = parseTrigger(one(triggerYaml('subscriber: { ref: { apiVersion: v1, kind: Service, name: s, namespace: other } }')));
    expect(trigger.broker).toBe('default');
    expect(trigger.namespace).toBe('default');
    expect(trigger.filter).toBeUndefined();
    expect(trigger.subscriber.ref?.namespace).toBe('other');
  });

  it('parses SubscriptionsAPI filters and the delivery spec', () => {
    const trigger = parseTrigger(
      one(
        triggerYaml(
          [
            'filters:',
            '  - exact: { type: a }',
            '  - any: [{ prefix: { source: x } }, { not: { suffix: { subject: .tmp } } }]',
            'subscriber: { uri: "http://sink.example.com/events" }',
            'delivery:',
            '  retry: 3',
            '  backoffPolicy: linear',
            '  backoffDelay: PT0.5S',
            '  timeout: PT10S',
            '  deadLetterSink: { ref: { apiVersion: v1, kind: Service, name: dls }, uri: /dead }',
          ].join('\n'),
        ),
      ),
    );
    expect(trigger.filters).toEqual([{ exact: { type: 'a' } }, { any: [{ prefix: { source: 'x' } }, { not: { suffix: { subject: '.tmp' } } }] }]);
    expect(trigger.subscriber).toEqual({ uri: 'http://sink.example.com/events' });
    expect(trigger.delivery).toEqual({
      retry: 3,
      backoffPolicy: 'linear',
      backoffDelay: 'PT0.5S',
      timeout: 'PT10S',
      deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'dls', namespace: 'default' }, uri: '/dead' },
    });
  });

  it('accepts the deprecated top-level reference form of v1alpha1/v1beta1 subscribers', () => {
    const trigger = parseTrigger(one(triggerYaml('subscriber: { apiVersion: v1, kind: Service, name: s }', 'eventing.knative.dev/v1alpha1')));
    expect(trigger.subscriber).toEqual({ ref: { apiVersion: 'v1', kind: 'Service', name: 's', namespace: 'default' } });
    expect(parseError(triggerYaml('subscriber: { apiVersion: v1, kind: Service, name: s }'))).toBe(
      'config/x.yaml document 1 (Trigger default/foo): spec.subscriber.apiVersion is not supported (supported fields: ref, uri)',
    );
  });

  it('accepts a CESQL filter (compileFilter is what refuses it)', () => {
    const trigger = parseTrigger(one(triggerYaml("filters: [{ cesql: \"type = 'a'\" }]\nsubscriber: { uri: http://x.example/ }")));
    expect(trigger.filters).toEqual([{ cesql: "type = 'a'" }]);
  });

  const at = 'config/x.yaml document 1 (Trigger default/foo): ';
  it.each([
    ['broker: default', 'spec.subscriber needs ref or uri'],
    ['subscriber: {}', 'spec.subscriber needs ref or uri'],
    ['subscriber: { uri: /relative }', 'spec.subscriber.uri must be an absolute URL with a scheme and a host when there is no ref, got "/relative"'],
    [
      'subscriber: { ref: { apiVersion: v1, kind: Service, name: s }, uri: "http://elsewhere/" }',
      'spec.subscriber.uri must be relative when ref is set (it is resolved against the ref\'s address), got "http://elsewhere/"',
    ],
    ['subscriber: { ref: { apiVersion: v1, name: s } }', 'spec.subscriber.ref.kind is required'],
    ['subscriber: { ref: { apiVersion: v1, kind: Service, name: s, group: x } }', 'spec.subscriber.ref.group is not supported (supported fields: apiVersion, kind, name, namespace)'],
    ['broker: ""\nsubscriber: { uri: "http://x/" }', 'spec.broker must not be empty'],
    ['broker: 5\nsubscriber: { uri: "http://x/" }', 'spec.broker must be a string, got number 5'],
    ['brokr: default\nsubscriber: { uri: "http://x/" }', 'spec.brokr is not supported (supported fields: broker, filter, filters, subscriber, delivery)'],
    ['filter: { attribute: { type: a } }\nsubscriber: { uri: "http://x/" }', 'spec.filter.attribute is not supported (supported fields: attributes)'],
    ['filter: { attributes: { Type: a } }\nsubscriber: { uri: "http://x/" }', 'spec.filter.attributes.Type is not a valid attribute name (lower-case letters and digits, starting with a letter)'],
    ['filter: { attributes: { ttl: 5 } }\nsubscriber: { uri: "http://x/" }', 'spec.filter.attributes.ttl must be a string ("" matches any value), got number 5'],
    ['filters: [{}]\nsubscriber: { uri: "http://x/" }', 'spec.filters[0] has no filter dialect: it needs exactly one of exact, prefix, suffix, all, any, not, cesql'],
    [
      'filters: [{ exact: { type: a }, prefix: { source: b } }]\nsubscriber: { uri: "http://x/" }',
      'spec.filters[0] has 2 filter dialects (exact, prefix): it needs exactly one',
    ],
    ['filters: [{ all: [{ exact: { type: "" } }] }]\nsubscriber: { uri: "http://x/" }', 'spec.filters[0].all[0].exact.type must not be empty'],
    ['filters: [{ any: [] }]\nsubscriber: { uri: "http://x/" }', 'spec.filters[0].any must contain at least one filter'],
    ['filters: [{ regex: { type: a } }]\nsubscriber: { uri: "http://x/" }', 'spec.filters[0].regex is not a filter dialect (expected one of exact, prefix, suffix, all, any, not, cesql)'],
    ['filters: { exact: { type: a } }\nsubscriber: { uri: "http://x/" }', 'spec.filters must be a list of filters, got a mapping'],
    ['subscriber: { uri: "http://x/" }\ndelivery: { retry: -1 }', 'spec.delivery.retry must be an integer from 0 to 2147483647, got number -1'],
    ['subscriber: { uri: "http://x/" }\ndelivery: { retry: 1.5 }', 'spec.delivery.retry must be an integer from 0 to 2147483647, got number 1.5'],
    ['subscriber: { uri: "http://x/" }\ndelivery: { backoffPolicy: random }', 'spec.delivery.backoffPolicy must be linear or exponential, got the string "random"'],
    ['subscriber: { uri: "http://x/" }\ndelivery: { timeout: PT0S }', 'spec.delivery.timeout must be greater than zero'],
    ['subscriber: { uri: "http://x/" }\ndelivery: { retries: 3 }', 'spec.delivery.retries is not supported (supported fields: retry, backoffPolicy, backoffDelay, timeout, deadLetterSink)'],
    ['subscriber: { uri: "http://x/" }\ndelivery: { deadLetterSink: { uri: dead } }', 'spec.delivery.deadLetterSink.uri must be an absolute URL with a scheme and a host when there is no ref, got "dead"'],
  ])('with %j: %s', (spec, problem) => {
    expect(parseError(triggerYaml(spec))).toBe(at + problem);
  });

  it('explains a bad ISO-8601 backoffDelay', () => {
    expect(parseError(triggerYaml('subscriber: { uri: "http://x/" }\ndelivery: { backoffDelay: 5s }'))).toMatch(
      /^config\/x\.yaml document 1 \(Trigger default\/foo\): spec\.delivery\.backoffDelay is not a valid ISO-8601 duration: invalid ISO-8601 duration "5s": it must start with 'P'/,
    );
  });

  it('refuses a missing spec and an unsupported apiVersion', () => {
    expect(parseError('apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: { name: foo }\n')).toBe(
      `${at}spec is required (a Trigger needs at least spec.subscriber)`,
    );
    expect(parseError(triggerYaml('subscriber: { uri: "http://x/" }', 'eventing.knative.dev/v2'))).toBe(
      `${at}apiVersion eventing.knative.dev/v2 is not supported (supported: eventing.knative.dev/v1alpha1, eventing.knative.dev/v1beta1, eventing.knative.dev/v1)`,
    );
  });

  it('names the object without a file for objects built in code', () => {
    const obj: KubeObject = {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: 'foo', namespace: 'ns', annotations: {}, labels: {} },
      spec: {},
    };
    expect(() => parseTrigger(obj)).toThrow(new ManifestError('Trigger ns/foo: spec.subscriber needs ref or uri'));
  });

  it('refuses objects that are not Triggers', () => {
    expect(() => parseTrigger(one('apiVersion: v1\nkind: Service\nmetadata: { name: s }\n'))).toThrow(
      'config/x.yaml document 1 (Service default/s): kind must be Trigger, got the string "Service"',
    );
  });
});

describe('parseBroker', () => {
  it('reads the delivery spec and annotations', () => {
    const broker = parseBroker(
      one(
        'apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: { name: default, annotations: { eventing.knative.dev/broker.class: Kafka } }\nspec:\n  config: { apiVersion: v1, kind: ConfigMap, name: kafka-broker-config }\n  delivery: { retry: 10, backoffDelay: PT0.2S }\n',
      ),
    );
    expect(broker).toEqual({
      name: 'default',
      namespace: 'default',
      annotations: { 'eventing.knative.dev/broker.class': 'Kafka' },
      delivery: { retry: 10, backoffDelay: 'PT0.2S' },
    });
  });

  it('accepts a Broker without spec', () => {
    expect(parseBroker(one('apiVersion: eventing.knative.dev/v1beta1\nkind: Broker\nmetadata: { name: b, namespace: n }\n'))).toEqual({
      name: 'b',
      namespace: 'n',
      annotations: {},
    });
  });

  it('names the field of a bad delivery spec', () => {
    expect(() => parseBroker(one('apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: { name: b }\nspec: { delivery: { backoffPolicy: fast } }\n'))).toThrow(
      'config/x.yaml document 1 (Broker default/b): spec.delivery.backoffPolicy must be linear or exponential, got the string "fast"',
    );
  });
});

describe('real Knative delivery fields with no local effect', () => {
  it('accepts retryAfterMax and format instead of refusing the user\'s manifest', () => {
    const [obj] = loadManifests(`apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: t }
spec:
  subscriber: { uri: "http://x/" }
  delivery: { retry: 2, retryAfterMax: PT10S, format: json }`);
    expect(parseTrigger(obj).delivery).toMatchObject({ retry: 2 });
  });
});
