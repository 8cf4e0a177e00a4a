// Preloaded into the services (node --require) when the bench runs with --metrics off: what the
// services record per event in prom-client (counters, histograms, timers) becomes a no-op, and the
// process metrics are not collected, so the difference with --metrics on is what recording
// metrics costs per event. A measuring instrument for the bench only: the services have no
// switch to turn their metrics off.
'use strict';
const client = require('prom-client');

const noop = () => undefined;
const child = { inc: noop, dec: noop, set: noop, observe: noop, startTimer: () => noop, reset: noop, remove: noop };
for (const Metric of [client.Counter, client.Gauge, client.Histogram, client.Summary]) {
  for (const method of ['inc', 'dec', 'set', 'observe', 'reset', 'remove']) if (Metric.prototype[method]) Metric.prototype[method] = noop;
  if (Metric.prototype.startTimer) Metric.prototype.startTimer = () => noop;
  Metric.prototype.labels = () => child;
}
client.collectDefaultMetrics = noop;
