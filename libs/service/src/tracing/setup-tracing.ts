import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from './tracing.settings';

export interface Tracing {
  /** Exports what is still buffered and stops the exporter. */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/**
 * Sets OpenTelemetry up for this process, once.
 *
 * - Always: the AsyncLocalStorage context manager, so that the span a delivery runs in is the
 *   active one in everything its handler awaits (the predictor call, the reply). Without it the
 *   API's context does not follow async calls.
 * - With an OTLP endpoint: a tracer provider whose spans are batched and exported over OTLP/HTTP
 *   (JSON), sampled per OpenTelemetry's default (parent-based, always on at the root; the SDK
 *   honours `OTEL_TRACES_SAMPLER` and `OTEL_BSP_*` itself).
 * - Without one, no provider is registered: the API's spans are non-recording and carry their
 *   parent's context unchanged, so a `traceparent` received is passed on as it came (same trace
 *   id and parent id) and nothing is generated, buffered or sent.
 */
export function setupTracing(serviceName: string, settings: TracingSettings): Tracing {
  if (installed) return installed;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const url = tracesUrl(settings);
  if (!url) return (installed = { shutdown: async () => undefined });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName || serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: url.href }))],
  });
  trace.setGlobalTracerProvider(provider);
  return (installed = { shutdown: () => provider.shutdown() });
}

/** The traces URL: the signal-specific one as it is, else `v1/traces` under the base (OTLP exporter specification). */
export function tracesUrl(settings: Pick<TracingSettings, 'endpoint' | 'tracesEndpoint'>): URL | undefined {
  if (settings.tracesEndpoint) return settings.tracesEndpoint;
  if (!settings.endpoint) return undefined;
  const base = new URL(settings.endpoint.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return new URL('v1/traces', base);
}
