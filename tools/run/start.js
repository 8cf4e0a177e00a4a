#!/usr/bin/env node
// `npm start`: every service of the flow in the foreground, logs prefixed by service; Ctrl-C
// stops them all. EVENTING_TRANSPORT=kafka (with KAFKA_BROKERS) runs the kafka backend.
'use strict';
const path = require('node:path');
const { ROOT, startServices, stopServices, servicesFor, portOf } = require('./services');

const COLORS = [36, 33, 35, 32, 34, 31];
const backend = process.env.EVENTING_TRANSPORT || 'knative';
/**
 * The embedded broker keeps what it answered 202 for across a crash (docs/reliability.md) unless
 * BROKER_LOG_DIR says otherwise (`off`, or another folder); its cost is in docs/performance.md.
 */
const BROKER_LOG_DIR = path.join(ROOT, 'data', 'broker-log');
const width = Math.max(...servicesFor(backend).map((s) => s.name.length));
const colorOf = new Map(servicesFor(backend).map((s, i) => [s.name, COLORS[i % COLORS.length]]));
const tty = process.stdout.isTTY;

function output(name, line) {
  const label = name.padEnd(width);
  process.stdout.write(`${tty ? `\x1b[${colorOf.get(name)}m${label}\x1b[0m` : label} | ${line}\n`);
}

async function main() {
  if (backend === 'kafka' && !process.env.KAFKA_BROKERS) {
    console.error('EVENTING_TRANSPORT=kafka needs KAFKA_BROKERS (start one with `npm run kafka`).');
    process.exit(2);
  }
  // Each service says its address in its one start-up line; the header only says how to move them.
  console.log(`Starting the ${backend} flow (ports: ${servicesFor(backend).map((s) => s.portEnv).join(', ')}):`);
  let services = {};
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    await stopServices(services);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  services = await startServices({ backend, output, env: { BROKER_LOG_DIR, ...process.env } });
  const entry = backend === 'knative' ? portOf(servicesFor(backend).find((s) => s.name === 'broker'), process.env) : null;
  console.log(`\nReady. Send events to ${entry ? `the broker http://127.0.0.1:${entry}/ or ` : ''}the ingress adapter http://127.0.0.1:${portOf(servicesFor(backend).find((s) => s.name === 'ingress-adapter'), process.env)}/;`);
  console.log(`responses show here and at http://127.0.0.1:${portOf(servicesFor(backend).find((s) => s.name === 'event-display'), process.env)}/events. Ctrl-C stops everything.\n`);
  for (const proc of Object.values(services)) {
    proc.exited.then(({ code, signal }) => {
      if (!stopping) {
        console.error(`${proc.service.name} exited (${signal || code}); stopping the rest.`);
        stop();
      }
    });
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
