// What the bench runs: per backend and entry, a steady rate, the highest sustainable rate, and how
// cost grows with payload size, concurrency and the number of Triggers.
'use strict';

/** The README's seed request body, byte for byte. */
const SEED_BODY = Buffer.from('{"data": { "ndarray": [[1,2,3,4]]}}');

function rowsBody(rows, row) {
  return Buffer.from(JSON.stringify({ data: { ndarray: Array.from({ length: rows }, () => row) } }));
}

/**
 * ~1 MB of request. Its rows carry 30 significant digits per feature, so that the prediction (one
 * short row of probabilities per input row) stays well under Kafka's default 1 MB record limit.
 */
function megabyteBody() {
  const row = [5.12345678901234567890123456789, 3.52345678901234567890123456789, 1.42345678901234567890123456789, 0.22345678901234567890123456789];
  const text = `[${row.map((x) => x.toPrecision(30)).join(',')}]`;
  const rows = Math.floor(1_000_000 / (text.length + 1));
  return Buffer.from(`{"data":{"ndarray":[${Array.from({ length: rows }, () => text).join(',')}]}}`);
}

const PAYLOADS = {
  '1 row': () => SEED_BODY,
  '100 rows': () => rowsBody(100, [5.1, 3.5, 1.4, 0.2]),
  '~1 MB': megabyteBody,
};

/** The micro-batching of the `batching-on` scenario: the seed deployment's annotations. */
const BATCHING = { maxSize: 16, maxWaitMs: 5 };
const BATCHING_CONCURRENCY = 64;

/**
 * The scenarios of one backend's entry. `steady` is open-loop at a fixed rate; the others are
 * closed-loop (see load.js). `max` finds its concurrency by a ramp (mode 'knee', see measure.js)
 * unless --concurrency fixes it; the payload and Trigger scenarios then run at max's concurrency.
 * `triggers` is the number of bench Triggers on the broker, only the first of which matches;
 * `batching`, when set, the micro-batching the seed deployment opts into (predictor-router restarted);
 * `brokerLog`, the embedded broker's durable log on (broker restarted with a fresh BROKER_LOG_DIR).
 */
function scenariosFor(backend, entry, { smoke, rate, concurrency }) {
  const steady = { name: `steady-${rate}`, mode: 'open', rate, payload: '1 row', triggers: 1 };
  const max = { name: 'max', mode: concurrency ? 'closed' : 'knee', concurrency, payload: '1 row', triggers: 1 };
  const list = [steady, max];
  // Cost growth is measured on one entry per backend: the one with the fewest hops of its own.
  const growth = !smoke && ((backend === 'knative' && entry === 'http') || (backend === 'kafka' && entry === 'kafka'));
  if (growth) {
    const atMax = { ...max, mode: 'closed', concurrency: concurrency ?? 'knee' };
    list.push(
      { ...atMax, name: 'rows-100', payload: '100 rows' },
      // Fewer senders: 8 MB in flight is plenty, and a client pushing megabytes rarely has more.
      { ...atMax, name: 'body-1mb', payload: '~1 MB', concurrency: 8 },
      ...[1, 16, 256].map((c) => ({ ...atMax, name: `concurrency-${c}`, concurrency: c })),
    );
    // On kafka they would be the kafka-dispatcher's, left out of the run (see docs/performance.md).
    if (backend === 'knative') list.push({ ...atMax, name: 'triggers-10', triggers: 10 }, { ...atMax, name: 'triggers-100', triggers: 100 });
    // Micro-batching off and on, at the same fixed concurrency (the knee moves with batching).
    const batchingLoad = { ...atMax, concurrency: concurrency ?? BATCHING_CONCURRENCY };
    list.push({ ...batchingLoad, name: 'batching-off' }, { ...batchingLoad, name: 'batching-on', batching: BATCHING });
  }
  // The durable log is the embedded broker's: steady and max again with it on, last, so that the
  // broker restarts once and max-log's knee is not the one the scenarios above run at.
  if (!smoke && backend === 'knative' && entry === 'http') {
    list.push({ ...steady, name: `${steady.name}-log`, brokerLog: true }, { ...max, name: 'max-log', brokerLog: true });
  }
  return list.map((s) => ({ ...s, body: PAYLOADS[s.payload]() }));
}

/** Not measured: traffic through a freshly started backend until JITs, pools and consumer groups settle. */
function warmupScenario() {
  return { name: 'warmup', mode: 'closed', concurrency: 8, payload: '1 row', body: PAYLOADS['1 row']() };
}

module.exports = { scenariosFor, warmupScenario };
