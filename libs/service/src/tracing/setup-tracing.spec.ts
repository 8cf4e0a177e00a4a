import { tracesUrl } from './setup-tracing';
import { tracingSettings } from './tracing.settings';

describe('where spans are exported', () => {
  const read = (env: Record<string, string>) => tracesUrl(tracingSettings.read(env));

  it('appends v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT, keeping its path (OTLP exporter specification)', () => {
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })?.href).toBe('http://127.0.0.1:4318/v1/traces');
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otel/' })?.href).toBe('http://collector:4318/otel/v1/traces');
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otel' })?.href).toBe('http://collector:4318/otel/v1/traces');
  });

  it('takes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, over the base endpoint', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' };
    expect(read(env)?.href).toBe('http://b:4318/custom');
  });

  it('exports nothing when neither is set, and refuses an endpoint that is not a URL', () => {
    expect(read({})).toBeUndefined();
    expect(() => read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
