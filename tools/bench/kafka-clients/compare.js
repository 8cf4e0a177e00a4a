#!/usr/bin/env node
// The Kafka ceiling on each Kafka client, side by side in one run (docs/performance.md, "The Kafka
// client"): one bare chain per client (tools/bench/ceiling-kafka.js with `client`), each on a topic
// of its own laid out like the broker's, driven by the bench's own load generator and sink
// (kafkajs), in rounds that alternate the clients, so that whatever else the machine does weighs
// on each alike. Prints a table of medians and writes every run to <out>/kafka-clients.json.
//
//   npm run bench:kafka-clients -- --out /tmp/bench-clients
//
// The other clients are installed first (install.sh: built from source, once; then cached).
'use strict';
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { startKafka } = require('../../kafka/kafka');
const { startKafkaCeiling } = require('../ceiling-kafka');
const { startKafkaSink } = require('../sink');
const { kafkaClient, producerOf, batchingProducer } = require('../kafka-client');
const { REQUEST_TYPE, RESPONSE_TYPE, httpSender, kafkaSender } = require('../load');
const { measure, findKnee } = require('../measure');
const { ResourceMeter } = require('../resources');
const { warmupScenario } = require('../scenarios');
const { CLIENT_NAMES } = require('./relay-clients');

const USAGE = `usage: node tools/bench/kafka-clients/compare.js [options]
  --clients <a,b>     clients to compare (default ${CLIENT_NAMES.join(',')}; the first is the baseline)
  --entries <a,b>     kafka (records in and out) and/or http (the bare ingress in) (default kafka,http)
  --loads <a,b>       knee (ramp to the knee, then measure there) and/or closed-loop sender counts (default knee,64,256)
  --rounds <n>        runs of each client at each load, alternating (default 3)
  --duration <s>      measured seconds per run, after a 0.5 s warmup (default 6)
  --out <dir>         where kafka-clients.json goes (default bench-results)
Kafka is started for the run unless KAFKA_BROKERS names one.`;

function parseArgs(argv) {
  const opts = { clients: CLIENT_NAMES, entries: ['kafka', 'http'], loads: ['knee', '64', '256'], rounds: 3, duration: 6, out: path.join(__dirname, '../../../bench-results') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i];
    if (flag === '--clients') opts.clients = value().split(',');
    else if (flag === '--entries') opts.entries = value().split(',');
    else if (flag === '--loads') opts.loads = value().split(',');
    else if (flag === '--rounds') opts.rounds = Number(value());
    else if (flag === '--duration') opts.duration = Number(value());
    else if (flag === '--out') opts.out = path.resolve(value());
    else if (flag === '--help' || flag === '-h') opts.help = true;
    else throw new Error(`unknown option '${argv[i]}'`);
  }
  for (const c of opts.clients) if (!CLIENT_NAMES.includes(c)) throw new Error(`--clients: unknown client '${c}' (${CLIENT_NAMES.join(', ')})`);
  for (const e of opts.entries) if (!['kafka', 'http'].includes(e)) throw new Error(`--entries: unknown entry '${e}' (kafka, http)`);
  for (const l of opts.loads) if (l !== 'knee' && !(Number(l) > 0)) throw new Error(`--loads: '${l}' is neither knee nor a sender count`);
  if (!(opts.rounds > 0) || !(opts.duration > 0)) throw new Error('--rounds and --duration must be positive numbers');
  return opts;
}

const log = (line) => process.stderr.write(`${line}\n`);
const round = (x, digits = 2) => (x === undefined || x === null ? x : Math.round(x * 10 ** digits) / 10 ** digits);
const sum = (values) => values.reduce((a, b) => a + b, 0);

function median(values) {
  const sorted = values.filter((v) => v !== undefined && v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** CPU ms per accepted event of the named processes: the client's relays, the model, Kafka. */
function cpuPerEvent(result, names) {
  return result.accepted > 0 ? round((sum(names.map((n) => result.cpu_s[n] ?? 0)) * 1000) / result.accepted) : null;
}

/** One run of `load` on one chain, as the bench runs `max` (knee) or a fixed closed loop. */
async function runOnce({ send, sink, load, opts, pids }) {
  const body = warmupScenario().body;
  const scenario = { name: load, mode: 'closed', body };
  let ramp;
  if (load === 'knee') {
    ramp = await findKnee({ send, sink, scenario, stepMs: 750 });
    scenario.concurrency = ramp.concurrency;
  } else {
    scenario.concurrency = Number(load);
  }
  const result = await measure({ send, sink, scenario, warmupMs: 500, durationMs: opts.duration * 1000, meter: new ResourceMeter(pids) });
  const relays = Object.keys(pids).filter((n) => n !== 'model' && n !== 'kafka');
  return {
    concurrency: scenario.concurrency,
    ramp: ramp?.steps,
    events_per_s: result.events_per_s,
    p50_ms: result.p50_ms,
    p99_ms: result.p99_ms,
    accepted: result.accepted,
    lost: result.lost + (ramp?.lost ?? 0),
    duplicates: result.duplicates,
    cpu_ms_per_event: { relays: cpuPerEvent(result, relays), model: cpuPerEvent(result, ['model']), kafka: cpuPerEvent(result, ['kafka']), all: cpuPerEvent(result, Object.keys(pids)) },
    cpu_s: result.cpu_s,
    rss_mb: result.rss_mb,
    bench_elu: result.load_generator.elu,
  };
}

function formatTable(runs, clients) {
  const header = ['entry', 'load', 'client', 'runs', 'ev/s (median)', 'ev/s (each)', 'x kafkajs', 'p99 ms', 'CPU ms/ev relays', 'CPU ms/ev Kafka', 'CPU ms/ev all', 'lost'];
  const rows = [header];
  const groups = new Map();
  for (const r of runs) {
    const key = `${r.entry}|${r.load}`;
    if (!groups.has(key)) groups.set(key, new Map());
    const byClient = groups.get(key);
    if (!byClient.has(r.client)) byClient.set(r.client, []);
    byClient.get(r.client).push(r);
  }
  for (const [key, byClient] of groups) {
    const [entry, load] = key.split('|');
    const base = median((byClient.get(clients[0]) ?? []).map((r) => r.events_per_s));
    for (const client of clients) {
      const rs = byClient.get(client) ?? [];
      const rate = median(rs.map((r) => r.events_per_s));
      rows.push([
        entry,
        load === 'knee' ? `knee (x${rs.map((r) => r.concurrency).join('/')})` : `x${load}`,
        client,
        rs.length,
        round(rate, 0),
        rs.map((r) => round(r.events_per_s, 0)).join(' / '),
        base ? round(rate / base) : '',
        round(median(rs.map((r) => r.p99_ms)), 0),
        median(rs.map((r) => r.cpu_ms_per_event.relays)),
        median(rs.map((r) => r.cpu_ms_per_event.kafka)),
        median(rs.map((r) => r.cpu_ms_per_event.all)),
        sum(rs.map((r) => r.lost)),
      ]);
    }
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  return rows.map((row) => row.map((cell, i) => String(cell).padStart(widths[i])).join('  ')).join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) return console.log(USAGE);
  if (opts.clients.some((c) => c !== 'kafkajs')) execFileSync('bash', [path.join(__dirname, 'install.sh')], { stdio: 'inherit' });
  const cleanup = [];
  try {
    let brokers = process.env.KAFKA_BROKERS;
    const extraPids = {};
    if (!brokers) {
      log('kafka-clients: starting Kafka');
      const kafka = await startKafka({ port: 0 });
      cleanup.push(() => kafka.stop());
      brokers = kafka.brokers;
      extraPids.kafka = kafka.pid;
    }
    const bench = kafkaClient(brokers, 'bench-clients');
    const producer = producerOf(bench);
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    const produce = batchingProducer(producer);
    const sink = { tracker: undefined };
    const onArrival = (id, at) => sink.tracker?.arrived(id, at);
    const chains = {};
    for (const client of opts.clients) {
      const topic = `knative-broker-bench-clients-${client}`;
      log(`kafka-clients: starting the ${client} chain on ${topic}`);
      const chain = await startKafkaCeiling({ brokers, topic, requestType: REQUEST_TYPE, responseType: RESPONSE_TYPE, client });
      cleanup.push(chain.stop);
      const consumer = await startKafkaSink({ kafka: bench, topic, type: RESPONSE_TYPE, onArrival });
      cleanup.push(consumer.stop);
      const entries = { kafka: kafkaSender(produce, topic), http: httpSender(chain.url) };
      cleanup.push(async () => entries.http.close());
      chains[client] = { entries, pids: { ...chain.pids, ...extraPids } };
    }
    // Unmeasured traffic down every path first: JIT, pools and consumer groups settle.
    for (const client of opts.clients) {
      for (const entry of opts.entries) {
        const warm = await measure({ send: chains[client].entries[entry], sink, scenario: warmupScenario(), warmupMs: 0, durationMs: 2000 });
        if (warm.lost > 0) log(`kafka-clients: ${client} ${entry}: warmup lost ${warm.lost} of ${warm.accepted}`);
      }
    }
    const runs = [];
    for (const entry of opts.entries) {
      for (const load of opts.loads) {
        for (let r = 0; r < opts.rounds; r++) {
          // Each round starts with another client, so that none is always measured first or last.
          const order = opts.clients.map((_, i) => opts.clients[(i + r) % opts.clients.length]);
          for (const client of order) {
            const run = { entry, load, round: r + 1, client, ...(await runOnce({ send: chains[client].entries[entry], sink, load, opts, pids: chains[client].pids })) };
            runs.push(run);
            log(`kafka-clients: ${entry} ${load} round ${r + 1} ${client}: ${run.events_per_s} ev/s at x${run.concurrency}, p99 ${run.p99_ms} ms, CPU ms/ev relays ${run.cpu_ms_per_event.relays} Kafka ${run.cpu_ms_per_event.kafka}, lost ${run.lost}, bench ELU ${run.bench_elu}`);
          }
        }
      }
    }
    console.log(formatTable(runs, opts.clients));
    fs.mkdirSync(opts.out, { recursive: true });
    const file = path.join(opts.out, 'kafka-clients.json');
    fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), options: { ...opts, out: undefined }, runs }, null, 2)}\n`);
    log(`kafka-clients: wrote ${file}`);
  } finally {
    for (const step of cleanup.reverse()) await step().catch((err) => log(`kafka-clients: cleanup: ${err.message}`));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`kafka-clients: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
