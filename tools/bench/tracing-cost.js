// CPU per span of the services' tracing, measured in-process, with and without an exporter: what
// one hop pays to continue the incoming context, run its work in a span, and write `traceparent`
// on what it sends and on the event; with the exporter, batching, serialising and sending spans
// too. Each mode runs in a child process of its own (OpenTelemetry's setup is global); the OTLP
// sink runs in this parent, so reading the exports is not counted. CPU time, not throughput, so
// the figures hold on a busy machine better than the end-to-end bench's.
// Modes: `baseline` (the measuring loop alone), `off` (no exporter: the services' default), `on`
// (exported to OTLP/HTTP). Subtract the baseline from the others for the cost of tracing.
// Usage: node tools/bench/tracing-cost.js [spans per mode, default 200000]   (after npm run build)
'use strict';
const { execFile } = require('node:child_process');
const { startOtlpSink } = require('./otlp-sink');

async function child(mode, spans, endpoint) {
  const { trace } = require('@opentelemetry/api');
  const { setupTracing } = require('../../libs/service/dist');
  const { createEvent } = require('../../libs/cloudevents/dist');
  const { inSpan, deliverySpan, incomingContext, traceHeaders, withTraceContext } = require('../../libs/transport/dist');
  const tracing = setupTracing('tracing-cost', { endpoint: endpoint ? new URL(endpoint) : undefined });
  const event = createEvent({ source: 'bench', type: 'seldon.iris-deployment.default.request', data: { data: { ndarray: [[1, 2, 3, 4]] } } });
  const headers = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'content-type': 'application/json' };
  // `baseline`: the same awaited call with no tracing at all, the loop's own cost.
  const bare = async () => event;
  const hop = mode === 'baseline' ? bare : () =>
    inSpan(deliverySpan('knative', 'default/default', 'default/trigger', event), incomingContext(headers, event), async () => {
      traceHeaders();
      return withTraceContext(event);
    });
  // Exported every 1,000 spans, in the SDK's batches of 512: no span is dropped for a full queue,
  // so every one is paid for, serialising and sending included.
  const provider = trace.getTracerProvider().getDelegate?.() ?? {};
  const run = async (count) => {
    for (let i = 1; i <= count; i++) {
      await hop();
      if (i % 1000 === 0 && provider.forceFlush) await provider.forceFlush();
    }
  };
  await run(10_000); // warm up
  const before = process.cpuUsage();
  await run(spans);
  const spent = process.cpuUsage(before);
  await tracing.shutdown();
  console.log(JSON.stringify({ us_per_span: Math.round(((spent.user + spent.system) / spans) * 100) / 100 }));
}

async function main() {
  const spans = Number(process.argv[2] ?? 200_000);
  const sink = await startOtlpSink(0);
  for (const mode of ['baseline', 'off', 'on']) {
    const env = { ...process.env };
    const args = [__filename, '--child', mode, String(spans), ...(mode === 'on' ? [sink.url] : [])];
    const before = sink.stats.spans;
    const out = await new Promise((resolve, reject) => execFile(process.execPath, args, { env }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
    const result = { tracing: mode, spans, ...JSON.parse(out) };
    if (mode === 'on') result.exported = sink.stats.spans - before; // the warm-up's too
    console.log(JSON.stringify(result));
  }
  await sink.stop();
}

if (process.argv[2] === '--child') child(process.argv[3], Number(process.argv[4]), process.argv[5]);
else main();
