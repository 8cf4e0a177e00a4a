// CPU of the model-server per prediction of the bench's ~1 MB request (the `body-1mb` scenario's),
// measured on the model-server alone: its process CPU (/proc) over N requests sent one after
// another over a keep-alive connection, after a warmup. CPU time of one process, not throughput,
// so the figure holds on a busy machine better than the end-to-end bench's, where the model's
// share is lost in the noise of four services and a shared machine.
// Usage: node tools/bench/model-cost.js [requests, default 100] [--port-base <port>, default 24000]
//        (after npm run build; the model-server listens on port-base + 90, as in the bench)
'use strict';
const http = require('node:http');
const { startServices } = require('../run/services');
const { ResourceMeter } = require('./resources');
const { scenariosFor } = require('./scenarios');

function post(port, agent, body) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': body.length };
    const req = http.request({ port, host: '127.0.0.1', path: '/api/v1.0/predictions', method: 'POST', agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`model-server answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--port-base');
  const portBase = at >= 0 ? Number(args.splice(at, 2)[1]) : 24000;
  const requests = Number(args[0] ?? 100);
  if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(portBase)) {
    console.error('usage: node tools/bench/model-cost.js [requests] [--port-base <port>]');
    process.exit(2);
  }
  const { body } = scenariosFor('knative', 'http', {}).find((s) => s.name === 'body-1mb');
  const port = portBase + 90;
  const env = { ...process.env, MODEL_SERVER_PORT: String(port), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const { 'model-server': server } = await startServices({ env, only: ['model-server'] });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    let answer;
    for (let i = 0; i < 20; i++) answer = await post(port, agent, body); // JIT and pools settle
    const meter = new ResourceMeter({ 'model-server': server.pid });
    meter.start();
    for (let i = 0; i < requests; i++) await post(port, agent, body);
    const { cpu_s } = meter.stop();
    const ms = (1000 * cpu_s['model-server']) / requests;
    console.log(`model-server: ${ms.toFixed(1)} CPU ms per prediction of ${body.length} bytes (answer ${answer.length} bytes, ${requests} requests)`);
  } finally {
    agent.destroy();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
