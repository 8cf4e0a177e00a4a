import { defineSettings, setting, SettingError, SettingsError } from './index';

describe('setting kinds', () => {
  it('reads an integer, falls back to the default when unset or empty, and names the range it accepts', () => {
    const inFlight = setting.int('KAFKA_MAX_IN_FLIGHT', { default: 64, min: 1, max: 10_000, description: 'deliveries in flight' });
    expect(inFlight.read(undefined)).toBe(64);
    expect(inFlight.read('')).toBe(64);
    expect(inFlight.read(' 12 ')).toBe(12);
    expect(inFlight.defaultText).toBe('64');
    expect(setting.bool('KAFKA_TLS', { default: false, description: '' }).defaultText).toBe('`false`');
    expect(() => inFlight.read('lots')).toThrow(new SettingError('KAFKA_MAX_IN_FLIGHT', "KAFKA_MAX_IN_FLIGHT must be an integer from 1 to 10000, got 'lots'"));
    expect(() => inFlight.read('0')).toThrow("KAFKA_MAX_IN_FLIGHT must be an integer from 1 to 10000, got '0'");
    expect(() => inFlight.read('10001')).toThrow("got '10001'");
    // Number() would read these as 1000, 16 and 1.5; nobody means them as a count.
    for (const raw of ['1e3', '0x10', '1.5']) expect(() => inFlight.read(raw)).toThrow(`got '${raw}'`);
  });

  it('words a one-sided or open integer range, and leaves an integer without default undefined when unset', () => {
    expect(() => setting.int('A', { min: 0, description: '' }).read('-1')).toThrow("A must be an integer of at least 0, got '-1'");
    expect(() => setting.int('B', { max: 9, description: '' }).read('10')).toThrow("B must be an integer of at most 9, got '10'");
    expect(() => setting.int('C', { description: '' }).read('x')).toThrow("C must be an integer, got 'x'");
    const port = setting.int('BROKER_PORT', { min: 0, max: 65535, description: '', defaultText: '8080' });
    expect(port.read(undefined)).toBeUndefined();
    expect(port.read('9000')).toBe(9000);
    expect(port.defaultText).toBe('8080');
  });

  it('keeps a string as given; an empty one is unset unless it is meant as a value', () => {
    expect(setting.string('HOST', { default: '0.0.0.0', description: '' }).read('')).toBe('0.0.0.0');
    expect(setting.string('K_SINK_TOKEN', { description: '' }).read(undefined)).toBeUndefined();
    const addresses = setting.string('LOCAL_ADDRESSES', { default: 'config/local-addresses.yaml', keepEmpty: true, description: '' });
    expect(addresses.read('')).toBe('');
    expect(addresses.read(undefined)).toBe('config/local-addresses.yaml');
  });

  it('accepts one of a few words, whatever their case, and lists them when refusing', () => {
    const transport = setting.oneOf('EVENTING_TRANSPORT', ['knative', 'kafka'] as const, { default: 'knative', description: '' });
    expect(transport.read(undefined)).toBe('knative');
    expect(transport.read('Kafka')).toBe('kafka');
    expect(() => transport.read('rabbit')).toThrow("EVENTING_TRANSPORT must be one of 'knative' or 'kafka', got 'rabbit'");
    const mechanism = setting.oneOf('KAFKA_SASL_MECHANISM', ['plain', 'scram-sha-256', 'scram-sha-512'], { description: '' });
    expect(mechanism.read(undefined)).toBeUndefined();
    expect(() => mechanism.read('gssapi')).toThrow("must be one of 'plain', 'scram-sha-256' or 'scram-sha-512', got 'gssapi'");
  });

  it('accepts true/false and 1/0 for a switch, nothing else', () => {
    const tls = setting.bool('KAFKA_TLS', { default: false, description: '' });
    expect([undefined, 'true', 'TRUE', '1', 'false', '0'].map((raw) => tls.read(raw))).toEqual([false, true, true, true, false, false]);
    expect(() => tls.read('yes')).toThrow("KAFKA_TLS must be true or false, got 'yes'");
  });

  it('splits a list on commas and drops blanks; empty means the default unless it is meant as "none"', () => {
    const manifests = setting.list('EVENTING_MANIFESTS', { default: ['config/manifests'], description: '' });
    expect(manifests.read('a.yaml, ,b')).toEqual(['a.yaml', 'b']);
    expect(manifests.read('')).toEqual(['config/manifests']);
    expect(manifests.defaultText).toBe('`config/manifests`');
    const services = setting.list('KAFKA_SELF_CONSUMING_SERVICES', { default: ['a', 'b'], keepEmpty: true, description: '' });
    expect(services.read('')).toEqual([]);
  });

  it('takes an absolute URL only', () => {
    const sink = setting.url('K_SINK', { description: '', defaultText: "the embedded broker's" });
    expect(sink.read(undefined)).toBeUndefined();
    expect(sink.read('http://broker:8080/default/default')?.href).toBe('http://broker:8080/default/default');
    expect(() => sink.read('broker:8080')).not.toThrow(); // a scheme named "broker": absolute, if odd
    expect(() => sink.read('/default/default')).toThrow("K_SINK must be an absolute URL, got '/default/default'");
    expect(setting.url('R', { default: 'http://127.0.0.1:8082', description: '' }).read(undefined).port).toBe('8082');
    expect(() => setting.url('R', { default: 'nope', description: '' })).toThrow("R's default 'nope' is not an absolute URL");
  });

  it('parses a value with a syntax of its own, naming the variable and what the parser accepts', () => {
    const broker = setting.custom(
      'DEFAULT_BROKER',
      (raw) => {
        const [namespace, name, ...rest] = raw.split('/');
        if (!namespace || !name || rest.length > 0) throw new Error('`<namespace>/<name>`');
        return { namespace, name };
      },
      { default: { namespace: 'default', name: 'default' }, defaultText: '`default/default`', description: '' },
    );
    expect(broker.read('team/main')).toEqual({ namespace: 'team', name: 'main' });
    expect(broker.read(undefined)).toEqual({ namespace: 'default', name: 'default' });
    expect(() => broker.read('main')).toThrow("DEFAULT_BROKER must be `<namespace>/<name>`, got 'main'");
  });
});

describe('settings groups', () => {
  const group = defineSettings('Kafka', {
    brokers: setting.list('KAFKA_BROKERS', { default: [], description: 'bootstrap servers' }),
    inFlight: setting.int('KAFKA_MAX_IN_FLIGHT', { default: 64, min: 1, description: 'deliveries in flight' }),
    tls: setting.bool('KAFKA_TLS', { default: false, description: 'TLS' }),
  });

  it('reads every setting of a group under its key', () => {
    const settings: { brokers: string[]; inFlight: number; tls: boolean } = group.read({ KAFKA_BROKERS: 'k1:9092,k2:9092', KAFKA_TLS: 'true' });
    expect(settings).toEqual({ brokers: ['k1:9092', 'k2:9092'], inFlight: 64, tls: true });
    expect(group.settings.map((s) => s.name)).toEqual(['KAFKA_BROKERS', 'KAFKA_MAX_IN_FLIGHT', 'KAFKA_TLS']);
    expect(group.title).toBe('Kafka');
  });

  it('refuses every bad value at once, so that one start shows all there is to fix', () => {
    let error: unknown;
    try {
      group.read({ KAFKA_MAX_IN_FLIGHT: 'lots', KAFKA_TLS: 'yes' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).problems).toEqual(["KAFKA_MAX_IN_FLIGHT must be an integer of at least 1, got 'lots'", "KAFKA_TLS must be true or false, got 'yes'"]);
    expect((error as SettingsError).message).toBe(
      "Kafka: 2 settings are wrong:\n  - KAFKA_MAX_IN_FLIGHT must be an integer of at least 1, got 'lots'\n  - KAFKA_TLS must be true or false, got 'yes'",
    );
  });

  it('reads the process environment when given none', () => {
    process.env.KAFKA_MAX_IN_FLIGHT = '7';
    try {
      expect(group.read().inFlight).toBe(7);
    } finally {
      delete process.env.KAFKA_MAX_IN_FLIGHT;
    }
  });
});
