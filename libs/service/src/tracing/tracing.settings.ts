import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';

/** An OTLP/HTTP URL: only http and https make sense (a bare `host:port` would parse as a scheme). */
const otlpUrl = (name: string, o: { defaultText: string; description: string }) =>
  setting.custom<URL | undefined>(
    name,
    (raw) => {
      let url: URL | undefined;
      try {
        url = new URL(raw.trim());
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error('an http:// or https:// URL');
      return url;
    },
    { default: undefined, ...o },
  );

/**
 * OpenTelemetry's own variable names (the SDK environment specification), so that an operator's
 * usual configuration works unchanged. Spans are exported only when an endpoint is set.
 */
export const tracingSettings = defineSettings('Tracing', {
  endpoint: otlpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', {
    defaultText: 'none (no exporter)',
    description:
      'OTLP/HTTP base URL spans are exported to (`/v1/traces` is appended, OTLP JSON encoding), e.g. `http://127.0.0.1:4318`; unset, no span is exported and `traceparent` is passed through unchanged',
  }),
  tracesEndpoint: otlpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', {
    defaultText: 'none',
    description: 'the full OTLP/HTTP traces URL, used as it is; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`',
  }),
  serviceName: setting.string('OTEL_SERVICE_NAME', {
    defaultText: "the service's name",
    description: "the `service.name` of this service's spans",
  }),
});

export type TracingSettings = SettingsOf<typeof tracingSettings>;
