// Starts the product's services as separate processes, as `npm start`, the end-to-end tests and
// the benchmark all need them. Plain CommonJS so it runs without a build step.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');

/** Every service, in start order; portEnv overrides the default port. */
const SERVICES = [
  { name: 'model-server', portEnv: 'MODEL_SERVER_PORT', port: 9000 },
  { name: 'broker', portEnv: 'BROKER_PORT', port: 8080, backends: ['knative'] },
  { name: 'predictor-router', portEnv: 'PREDICTOR_ROUTER_PORT', port: 8082 },
  { name: 'response-publisher', portEnv: 'RESPONSE_PUBLISHER_PORT', port: 8083 },
  { name: 'event-display', portEnv: 'EVENT_DISPLAY_PORT', port: 8084 },
  { name: 'kafka-dispatcher', portEnv: 'KAFKA_DISPATCHER_PORT', port: 8085, backends: ['kafka'] },
  { name: 'ingress-adapter', portEnv: 'INGRESS_ADAPTER_PORT', port: 8081 },
];

/** The services a backend runs: the embedded broker only for knative. */
function servicesFor(backend) {
  return SERVICES.filter((s) => !s.backends || s.backends.includes(backend));
}

function portOf(service, env) {
  return Number(env[service.portEnv] || service.port);
}

async function waitReady(url, timeoutMs, isAlive) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`exited before ready (${last})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
      // A service says why it is not ready: that, not the status, is what the operator needs.
      try {
        const { waitingFor } = JSON.parse(last.slice(last.indexOf(' ') + 1));
        if (Array.isArray(waitingFor) && waitingFor.length > 0) last = waitingFor.join('; ');
      } catch {}
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready within ${timeoutMs} ms: ${last}`);
}

/** One service process that can be stopped, killed and started again on the same port. */
class ServiceProcess {
  constructor(service, env, output) {
    this.service = service;
    this.env = env;
    this.output = output;
    this.port = portOf(service, env);
    this.url = `http://127.0.0.1:${this.port}`;
    this.child = undefined;
    this.exited = undefined;
    this.recent = [];
  }

  /** Spawns the process without waiting for it to be ready (see start). */
  launch() {
    const main = path.join(ROOT, 'apps', this.service.name, 'dist', 'main.js');
    // SERVICE_NODE_ARGS passes flags NODE_OPTIONS refuses, e.g. `--cpu-prof --cpu-prof-dir=prof`.
    const nodeArgs = (this.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, main], { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.on('data', (chunk) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) {
          this.recent.push(line);
          if (this.recent.length > 30) this.recent.shift();
          this.output(this.service.name, line);
        }
      });
    }
    return this;
  }

  /** True while the process runs. */
  get alive() {
    return Boolean(this.child) && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(readyTimeoutMs = 60_000) {
    this.launch();
    try {
      await waitReady(`${this.url}/readyz`, readyTimeoutMs, () => this.alive);
    } catch (err) {
      await this.kill();
      throw new Error(`${this.service.name} on port ${this.port}: ${err.message}\n${this.recent.join('\n')}`);
    }
    return this;
  }

  /** Graceful: SIGTERM, then SIGKILL if it has not exited in time. */
  async stop(timeoutMs = 25_000) {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  async kill() {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  get pid() {
    return this.child && this.child.pid;
  }
}

/**
 * Starts the backend's services one by one, each ready before the next (or, with waitReady
 * false, all at once without waiting), and returns them by name. On a failure the ones already
 * started are stopped.
 */
async function startServices({ env = process.env, backend = env.EVENTING_TRANSPORT || 'knative', output = () => {}, only, waitReady = true } = {}) {
  const started = {};
  const fullEnv = { ...env, EVENTING_TRANSPORT: backend };
  try {
    for (const service of servicesFor(backend)) {
      if (only && !only.includes(service.name)) continue;
      const proc = new ServiceProcess(service, fullEnv, output);
      started[service.name] = waitReady ? await proc.start() : proc.launch();
    }
  } catch (err) {
    await stopServices(started);
    throw err;
  }
  return started;
}

/** Stops in reverse start order, so that intake stops before what it feeds. */
async function stopServices(started) {
  for (const proc of Object.values(started).reverse()) await proc.stop();
}

module.exports = { ROOT, SERVICES, servicesFor, portOf, ServiceProcess, startServices, stopServices };
