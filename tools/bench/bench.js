#!/usr/bin/env node
// `npm run bench`: the seed request through the real services, at a steady rate and at the highest
// sustainable rate, against the machine's ceiling for the same path. See docs/performance.md.
'use strict';
const path = require('node:path');
const { ROOT } = require('../run/services');
const { startBackend } = require('./backends');
const { measure, findKnee } = require('./measure');
const { ResourceMeter } = require('./resources');
const { scenariosFor, warmupScenario } = require('./scenarios');
const { scenarioRecord, formatTable, runInfo, describeRun, writeResults } = require('./report');

/** Senders of the scenarios that run at max's concurrency, when max did not run to find it. */
const DEFAULT_CONCURRENCY = 64;

const USAGE = `usage: npm run bench -- [options]
  --backend knative|kafka|all   backends to run (default all; BENCH_BACKEND)
  --smoke                       a few seconds per scenario, basic scenarios only (BENCH_SMOKE=1)
  --duration <s>                measured seconds per scenario (default 4, smoke 2; BENCH_DURATION)
  --settle <s>                  unmeasured traffic down each path first, and after a service restarts
                                (default 8, smoke 1; BENCH_SETTLE)
  --rate <ev/s>                 the steady scenario's rate (default 500; BENCH_RATE)
  --concurrency <n>             closed-loop senders of the max scenario (default: ramp to the knee;
                                BENCH_CONCURRENCY)
  --scenarios <a,b>             only these scenarios (names as printed)
  --out <dir>                   where latest.json and latest.svg go (default bench-results; BENCH_OUT)
  --profile <service>           run that service under the CPU profiler; profiles go to <out>/profiles
  --port-base <port>            services listen on port-base + 80..90 (default 24000, below the ephemeral port range; BENCH_PORT_BASE)
  --metrics on|off              off: the services' metric recording is made a no-op, to measure its cost (default on; BENCH_METRICS)
  --tracing on|off              on: the services export spans of every event over OTLP/HTTP to a sink the bench runs (default off; BENCH_TRACING)
With the kafka backend, Kafka is started for the run unless KAFKA_BROKERS names one.`;

function parseArgs(argv, env) {
  const opts = {
    backends: env.BENCH_BACKEND ?? 'all',
    smoke: env.BENCH_SMOKE === '1',
    duration: env.BENCH_DURATION,
    settle: env.BENCH_SETTLE,
    rate: Number(env.BENCH_RATE ?? 500),
    concurrency: env.BENCH_CONCURRENCY ? Number(env.BENCH_CONCURRENCY) : undefined,
    scenarios: undefined,
    out: env.BENCH_OUT ?? path.join(ROOT, 'bench-results'),
    profile: undefined,
    portBase: Number(env.BENCH_PORT_BASE ?? 24000),
    metrics: env.BENCH_METRICS ?? 'on',
    tracing: env.BENCH_TRACING ?? 'off',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i];
    if (flag === '--smoke') opts.smoke = true;
    else if (flag === '--backend') opts.backends = value();
    else if (flag === '--duration') opts.duration = value();
    else if (flag === '--settle') opts.settle = value();
    else if (flag === '--rate') opts.rate = Number(value());
    else if (flag === '--concurrency') opts.concurrency = Number(value());
    else if (flag === '--scenarios') opts.scenarios = value().split(',');
    else if (flag === '--out') opts.out = path.resolve(value());
    else if (flag === '--profile') opts.profile = value();
    else if (flag === '--port-base') opts.portBase = Number(value());
    else if (flag === '--metrics') opts.metrics = value();
    else if (flag === '--tracing') opts.tracing = value();
    else if (flag === '--help' || flag === '-h') opts.help = true;
    else throw new Error(`unknown option '${argv[i]}'`);
  }
  opts.backends = opts.backends === 'all' ? ['knative', 'kafka'] : opts.backends.split(',');
  if (!opts.backends.every((b) => ['knative', 'kafka'].includes(b))) throw new Error(`--backend must be knative, kafka or all`);
  for (const name of ['metrics', 'tracing']) if (!['on', 'off'].includes(opts[name])) throw new Error(`--${name} must be on or off`);
  opts.durationMs = 1000 * Number(opts.duration ?? (opts.smoke ? 2 : 4));
  opts.warmupMs = 500;
  // JIT tiering takes thousands of events per service to settle: after 2 s at x8 the services'
  // CPU per event still fell by half over the next 10 s of steady-500, and that scenario's p99
  // was 3 to 5 times what it was once settled (docs/performance.md).
  opts.settleMs = 1000 * Number(opts.settle ?? (opts.smoke ? 1 : 8));
  for (const [name, v] of Object.entries({ duration: opts.durationMs, settle: opts.settleMs, rate: opts.rate, concurrency: opts.concurrency ?? 1, 'port-base': opts.portBase })) {
    if (!(v > 0)) throw new Error(`--${name} must be a positive number`);
  }
  return opts;
}

function log(line) {
  process.stderr.write(`${line}\n`);
}

/**
 * Runs one scenario on one target (the real services or the ceiling chain). The max scenario
 * ramps to its knee first and leaves the concurrency it found in `knees`, for the scenarios that
 * run at max's concurrency.
 */
async function runOn({ send, sink, scenario, knees, opts, meter }) {
  let resolved = scenario;
  let ramp;
  if (scenario.mode === 'knee') {
    ramp = await findKnee({ send, sink, scenario, stepMs: opts.smoke ? 500 : 750 });
    knees.set(send, ramp.concurrency);
    resolved = { ...scenario, mode: 'closed', concurrency: ramp.concurrency };
  } else if (scenario.concurrency === 'knee') {
    resolved = { ...scenario, concurrency: knees.get(send) ?? DEFAULT_CONCURRENCY };
  }
  const result = await measure({ send, sink, scenario: resolved, warmupMs: opts.warmupMs, durationMs: opts.durationMs, meter });
  result.scenario = resolved;
  if (ramp) Object.assign(result, { ramp: ramp.steps, lost: result.lost + ramp.lost, duplicates: result.duplicates + ramp.duplicates });
  return result;
}

/** Unmeasured traffic down one path (`--settle`), so that what follows pays for no cold start. */
function settle(send, sink, opts) {
  return measure({ send, sink, scenario: warmupScenario(), warmupMs: 0, durationMs: opts.settleMs });
}

/** Settles every path first. */
async function warmUp(setup, opts) {
  for (const [entry, targets] of Object.entries(setup.entries)) {
    for (const [target, send] of Object.entries(targets)) {
      const result = await settle(send, setup.sink, opts);
      if (result.lost > 0) log(`bench: ${setup.backend} ${entry} ${target === 'send' ? 'product' : target}: warmup lost ${result.lost} of ${result.accepted} accepted events`);
    }
  }
}

/** Runs every scenario of one backend, each followed by its ceiling: the same load on the bare chain. */
async function runBackend(backend, opts, records) {
  // Services log at LOG_LEVEL (default warn), so what they print is worth seeing.
  const output = (name, line) => log(`${name} | ${line}`);
  log(`bench: starting the ${backend} backend`);
  const setup = await startBackend(backend, {
    portBase: opts.portBase,
    profile: opts.profile,
    profileDir: path.join(opts.out, 'profiles'),
    brokerLogDir: path.join(opts.out, 'broker-log'),
    metrics: opts.metrics === 'on',
    tracing: opts.tracing === 'on',
    output,
  });
  let triggers = 1;
  let batching;
  let brokerLog = false;
  try {
    await warmUp(setup, opts);
    for (const [entry, { send, ceiling }] of Object.entries(setup.entries)) {
      const knees = new Map();
      for (const scenario of scenariosFor(backend, entry, opts)) {
        if (opts.scenarios && !opts.scenarios.includes(scenario.name)) continue;
        let restarted = false;
        if (scenario.triggers !== triggers) {
          await setup.setTriggers(scenario.triggers);
          triggers = scenario.triggers;
          restarted = true;
        }
        if (scenario.batching !== batching) {
          await setup.setBatching(scenario.batching);
          batching = scenario.batching;
          restarted = true;
        }
        if (Boolean(scenario.brokerLog) !== brokerLog) {
          brokerLog = Boolean(scenario.brokerLog);
          await setup.setBrokerLog(brokerLog);
          restarted = true;
        }
        if (restarted) {
          // A restarted service settles unmeasured: a cold JIT made the first Trigger scenarios
          // cost twice the CPU per event of max; on kafka its consumer group rejoins.
          await settle(send, setup.sink, opts);
          // A log scenario measured without the log would say the log costs nothing.
          if (brokerLog && setup.brokerLogSegments() === 0) throw new Error('the broker wrote no event log: BROKER_LOG_DIR was not in effect');
        }
        const run = await runOn({ send, sink: setup.sink, scenario, knees, opts, meter: new ResourceMeter(setup.pids()) });
        // Right after, whatever else the machine is doing then weighs on both alike.
        const ceilingMeter = new ResourceMeter({ ...setup.ceilingPids, ...setup.extraPids });
        const ceilingRun = await runOn({ send: ceiling, sink: setup.sink, scenario, knees, opts, meter: ceilingMeter });
        const record = { ...scenarioRecord({ backend, entry, scenario, run, ceiling: ceilingRun }), metrics: opts.metrics, tracing: opts.tracing, broker_log: brokerLog ? 'on' : 'off' };
        if (setup.spans) record.spans_exported = setup.spans.take();
        records.push(record);
        log(`bench: ${backend} ${entry} ${scenario.name} (${record.load}): ${record.events_per_s} ev/s, p99 ${record.p99_ms} ms, ceiling ${record.ceiling_events_per_s} ev/s (${record.ceiling_load}), ratio ${record.ratio}, lost ${record.lost}, duplicates ${record.duplicates}, CPU ${record.cpu_ms_per_event} ms/ev (metrics ${opts.metrics}, tracing ${opts.tracing}${setup.spans ? `, ${record.spans_exported} spans exported` : ''})`);
      }
    }
  } finally {
    await setup.stop();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), process.env);
  if (opts.help) return console.log(USAGE);
  const run = runInfo(process.argv.slice(2));
  const records = [];
  for (const backend of opts.backends) await runBackend(backend, opts, records);
  console.log(describeRun(run));
  console.log(formatTable(records));
  writeResults(opts.out, run, records);
  log(`bench: wrote ${path.relative(process.cwd(), path.join(opts.out, 'latest.json'))} and latest.svg`);
  const lost = records.reduce((n, r) => n + r.lost, 0);
  if (lost > 0) log(`bench: ${lost} accepted event(s) never produced a response`);
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`bench: ${err.message}`);
    process.exit(1);
  },
);
