// CPU per event of the embedded broker's durable log (BROKER_LOG_DIR), measured in-process on the
// broker's own EventLog: what the broker pays on top of its HTTP work when the log is on. A seed
// event passes the broker's ingress three times on knative (the request, the predictor's outcome,
// the response), and each pass appends the event, waits for its sync, then acknowledges its one
// Trigger's delivery: three synced appends and three acknowledgements per seed event, as here.
// `concurrency` events are in flight at once, as the bench's senders keep them. CPU time of the
// process (the libuv threads doing the writes and syncs included), not throughput, so the figure
// holds on a busy machine better than the end-to-end bench's.
// The log goes in a fresh folder under tmp/ of this checkout (on its disk, as npm start's
// data/broker-log), deleted at the end.
// Usage: node tools/bench/broker-log-cost.js [events, default 20000] [concurrency, default 64]   (after npm run build)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { EventLog } = require('../../apps/broker/dist/log/event-log');
const { parseHttp } = require('../../libs/cloudevents/dist');
const { ROOT } = require('../run/services');

/** The README's seed request as the broker's ingress parses it, with what the ingress adds. */
function seedEvent(i) {
  const [event] = parseHttp({
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '0.3',
      'ce-type': 'seldon.iris-deployment.default.request',
      'ce-source': 'seldon.iris-deployment',
      'ce-id': `bench-${i}`,
      'ce-seldonpuid': `puid-${i}`,
    },
    body: Buffer.from('{"data": { "ndarray": [[1,2,3,4]]}}'),
  });
  const extensions = { ...event.extensions, knativearrivaltime: new Date().toISOString(), traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
  return { ...event, extensions };
}

async function main() {
  const events = Number(process.argv[2] ?? 20_000);
  const concurrency = Number(process.argv[3] ?? 64);
  fs.mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, 'tmp', 'broker-log-cost-'));
  const { log } = await EventLog.open({ dir, segmentBytes: 16 * 1024 * 1024 });
  const triggers = ['default/iris-predictor'];
  let next = 0;
  const sender = async (count) => {
    while (next < count) {
      const event = seedEvent(next++);
      for (let pass = 0; pass < 3; pass++) {
        const entry = await log.append('default/default', event, triggers);
        log.complete(entry, 0);
      }
    }
  };
  const run = (count) => Promise.all(Array.from({ length: concurrency }, () => sender(count)));
  await run(2_000); // warm up
  next = 0;
  const before = { cpu: process.cpuUsage(), at: process.hrtime.bigint(), ...log.stats };
  await run(events);
  const cpu = process.cpuUsage(before.cpu);
  const seconds = Number(process.hrtime.bigint() - before.at) / 1e9;
  const syncs = log.stats.syncs - before.syncs;
  await log.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const round = (x) => Math.round(x * 100) / 100;
  console.log(
    JSON.stringify({
      events,
      concurrency,
      us_cpu_per_event: round((cpu.user + cpu.system) / events),
      us_user_per_event: round(cpu.user / events),
      events_per_s: Math.round(events / seconds),
      appends_per_sync: round((3 * events) / syncs),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
