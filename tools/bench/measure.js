// One measured run: load for warmup + duration, then a drain period, then the figures.
'use strict';
const { performance } = require('node:perf_hooks');
const { Tracker } = require('./tracker');
const { closedLoop, openLoop } = require('./load');

/** How long after the last send a response may still arrive before its event counts as lost. */
const DRAIN_MS = 15_000;
/** After the last response, how long to keep listening for duplicates. */
const LINGER_MS = 200;

function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (x, digits = 2) => (x === undefined ? undefined : Math.round(x * 10 ** digits) / 10 ** digits);

/**
 * Figures of the measured window (after warmup): throughput is responses that arrived in the
 * window per second; latency is from acceptance (202 or Kafka ack) to arrival at the sink, for
 * events accepted in the window (a response that overtook its own acknowledgement counts as 0).
 * Loss and duplicates count every event, warmup included.
 */
function summarize(tracker, from, to) {
  let arrivedInWindow = 0;
  let accepted = 0;
  let delivered = 0;
  const latencies = [];
  const acceptances = [];
  for (const e of tracker.events.values()) {
    if (e.acceptedAt === undefined) continue;
    accepted++;
    if (e.sentAt >= from && e.sentAt <= to) acceptances.push(e.acceptedAt - e.sentAt);
    if (e.arrivedAt === undefined) continue;
    delivered++;
    if (e.arrivedAt >= from && e.arrivedAt <= to) arrivedInWindow++;
    if (e.acceptedAt >= from && e.acceptedAt <= to) latencies.push(Math.max(0, e.arrivedAt - e.acceptedAt));
  }
  latencies.sort((a, b) => a - b);
  acceptances.sort((a, b) => a - b);
  return {
    events_per_s: round(arrivedInWindow / ((to - from) / 1000), 1),
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    p99_ms: round(percentile(latencies, 99)),
    // How long the front door took to accept (202 or ack): not part of the latency above.
    accept_p50_ms: round(percentile(acceptances, 50)),
    accept_p99_ms: round(percentile(acceptances, 99)),
    accepted,
    refused: tracker.refused,
    lost: accepted - delivered,
    duplicates: tracker.duplicates,
  };
}

/**
 * Runs a scenario through `send` with responses reported to `sink.tracker`, measuring the
 * processes of `meter` (if any) and the bench process itself, to show the load generator is not
 * what limits the figures (event-loop utilization near 1 would mean it is).
 */
async function measure({ send, sink, scenario, warmupMs, durationMs, meter }) {
  const tracker = new Tracker();
  sink.tracker = tracker;
  meter?.start();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const load = { send, tracker, body: scenario.body, durationMs: warmupMs + durationMs };
  const extra = scenario.mode === 'open' ? await openLoop({ ...load, rate: scenario.rate }) : await closedLoop({ ...load, concurrency: scenario.concurrency });
  const used = process.cpuUsage(cpu);
  const loadGenerator = { elu: round(performance.eventLoopUtilization(elu).utilization), cpu_s: round((used.user + used.system) / 1e6), ...extra };
  await tracker.allDelivered(DRAIN_MS);
  await new Promise((r) => setTimeout(r, LINGER_MS));
  sink.tracker = undefined;
  const resources = meter ? meter.stop() : {};
  return { ...summarize(tracker, start + warmupMs, start + warmupMs + durationMs), ...resources, load_generator: loadGenerator };
}

/**
 * The max scenario's ramp: closed-loop senders doubled from `first` up to `last`; a step counts
 * as a gain when it beats the best so far by `gain`, and the ramp stops after `patience` steps
 * in a row without one (a single noisy step on a shared machine does not end it).
 */
const KNEE = { first: 8, last: 1024, gain: 1.1, patience: 3 };

/**
 * The highest sustainable rate's concurrency: the ramp's step with the most events per second.
 * Taking the first step of the plateau instead (the one the last 10% gain reached) measured the
 * product at x8 in one run and at x32 or x64 in others, 10 to 15% apart, while each further
 * doubling still gained a few percent: the rate called `max` must be the best the ramp saw.
 */
async function findKnee({ send, sink, scenario, stepMs }) {
  let best = { concurrency: KNEE.first, events_per_s: 0 };
  let gainedAt = 0;
  const steps = [];
  let lost = 0;
  let duplicates = 0;
  let misses = 0;
  for (let concurrency = KNEE.first; concurrency <= KNEE.last && misses < KNEE.patience; concurrency *= 2) {
    const step = await measure({ send, sink, scenario: { ...scenario, mode: 'closed', concurrency }, warmupMs: stepMs / 4, durationMs: stepMs });
    steps.push([concurrency, step.events_per_s]);
    lost += step.lost;
    duplicates += step.duplicates;
    if (step.events_per_s > best.events_per_s) best = { concurrency, events_per_s: step.events_per_s };
    if (step.events_per_s >= gainedAt * KNEE.gain) {
      gainedAt = step.events_per_s;
      misses = 0;
    } else {
      misses++;
    }
  }
  return { concurrency: best.concurrency, steps, lost, duplicates };
}

module.exports = { measure, findKnee };
