// The bench's output: one record per scenario, printed as a table and written as JSON and SVG.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT } = require('../run/services');
const { chartSvg } = require('./chart');

/** The record of one scenario, from its run and its ceiling's (same load shape, bare chain). */
function scenarioRecord({ backend, entry, scenario, run, ceiling }) {
  return {
    backend,
    entry,
    scenario: scenario.name,
    load: loadOf(run),
    ceiling_load: loadOf(ceiling),
    payload: scenario.payload,
    triggers: scenario.triggers,
    batching: scenario.batching,
    events_per_s: run.events_per_s,
    p50_ms: run.p50_ms,
    p95_ms: run.p95_ms,
    p99_ms: run.p99_ms,
    accept_p50_ms: run.accept_p50_ms,
    accept_p99_ms: run.accept_p99_ms,
    ceiling_accept_p99_ms: ceiling.accept_p99_ms,
    ceiling_events_per_s: ceiling.events_per_s,
    ceiling_p99_ms: ceiling.p99_ms,
    ratio: ceiling.events_per_s > 0 ? Math.round((run.events_per_s / ceiling.events_per_s) * 100) / 100 : null,
    rss_mb: run.rss_mb,
    cpu_s: run.cpu_s,
    cpu_ms_per_event: perEvent(run),
    ceiling_cpu_s: ceiling.cpu_s,
    ceiling_cpu_ms_per_event: perEvent(ceiling),
    accepted: run.accepted,
    refused: run.refused,
    lost: run.lost,
    duplicates: run.duplicates,
    ceiling_lost: ceiling.lost,
    load_generator: run.load_generator,
    ramp: run.ramp,
    ceiling_ramp: ceiling.ramp,
    peak_rss_is_lifetime: run.peak_rss_is_lifetime || undefined,
  };
}

/** CPU of all measured processes per accepted event (warmup, measured window and drain). */
function perEvent({ cpu_s, accepted }) {
  return accepted > 0 ? Math.round((sumOf(cpu_s) * 1000 * 100) / accepted) / 100 : null;
}

function loadOf({ scenario, ramp }) {
  if (scenario.mode === 'open') return `open loop ${scenario.rate}/s`;
  return `closed loop x${scenario.concurrency}${ramp ? ' (knee)' : ''}`;
}

const COLUMNS = [
  ['backend', (r) => r.backend],
  ['entry', (r) => r.entry],
  ['scenario', (r) => r.scenario],
  ['load', (r) => r.load.replace(/^(open|closed) loop /, '')],
  ['ev/s', (r) => r.events_per_s],
  ['p50 ms', (r) => r.p50_ms],
  ['p95 ms', (r) => r.p95_ms],
  ['p99 ms', (r) => r.p99_ms],
  ['ceiling ev/s', (r) => r.ceiling_events_per_s],
  ['ceiling p99', (r) => r.ceiling_p99_ms],
  ['ratio', (r) => r.ratio],
  ['lost', (r) => r.lost],
  ['dup', (r) => r.duplicates],
  ['peak RSS MB', (r) => maxOf(servicesOnly(r.rss_mb))],
  ['CPU ms/ev', (r) => r.cpu_ms_per_event],
  ['ceiling CPU ms/ev', (r) => r.ceiling_cpu_ms_per_event],
  ['bench ELU', (r) => r.load_generator.elu],
];

/** The product's processes: Kafka, when the bench started it, is measured but is not one. */
function servicesOnly(byProcess = {}) {
  return Object.fromEntries(Object.entries(byProcess).filter(([name]) => name !== 'kafka'));
}

function maxOf(byService = {}) {
  const [name, value] = Object.entries(byService).sort((a, b) => b[1] - a[1])[0] ?? [];
  return name ? `${value} (${name})` : '';
}

function sumOf(byService = {}) {
  return Math.round(Object.values(byService).reduce((a, b) => a + b, 0) * 100) / 100;
}

function formatRow(record, widths) {
  return COLUMNS.map(([, get], i) => String(get(record) ?? '-').padStart(widths[i])).join('  ');
}

function formatTable(records) {
  const widths = COLUMNS.map(([title, get]) => Math.max(title.length, ...records.map((r) => String(get(r) ?? '-').length)));
  const header = COLUMNS.map(([title], i) => title.padStart(widths[i])).join('  ');
  return [header, ...records.map((r) => formatRow(r, widths))].join('\n');
}

/**
 * What a run's figures belong to: when, at which commit (`+dirty` with uncommitted changes), on
 * what machine, with which command. Ratios are comparable across machines; absolute rates not.
 */
function runInfo(argv) {
  const git = (...args) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'apps', 'libs', 'tools') !== '';
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: commit ? `${commit}${dirty ? '+dirty' : ''}` : 'unknown',
    machine: `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.type()} ${os.release()}, Node.js ${process.version}`,
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}

/** The run in one line, as the table and the chart head it. */
function describeRun(run) {
  return `${run.date}, commit ${run.commit}, ${run.machine}: ${run.command}`;
}

/** Writes latest.json (`{ run, records }`, one record per scenario) and latest.svg into `dir`. */
function writeResults(dir, run, records) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ run, records }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'latest.svg'), chartSvg(records, describeRun(run)));
}

module.exports = { scenarioRecord, formatTable, runInfo, describeRun, writeResults };
