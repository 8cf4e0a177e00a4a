import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PORT_OFFSET } from './flow';
import { waitFor } from './wait';

/**
 * Real model servers (MLServer, Seldon Core's Python microservice, KServe's model server), each
 * from its venv under .cache/model-servers, serving the iris model `tools/model-servers/install.sh`
 * trained for it, on ports of the offset-shifted range, called on 127.0.0.1.
 */

const ROOT = resolve(__dirname, '../../..');
const CACHE = join(ROOT, '.cache/model-servers');

export type ModelServerName = 'mlserver' | 'seldon' | 'kserve';

/**
 * Each server's ports, from 18700 on in the offset-shifted range: HTTP, then gRPC, then metrics
 * (KServe serves its metrics on the HTTP port), so that no server takes a default port.
 */
const FIRST_PORT: Record<ModelServerName, number> = { mlserver: 18700, seldon: 18703, kserve: 18706 };

function portsOf(name: ModelServerName): { http: number; grpc: number; metrics: number } {
  const http = FIRST_PORT[name] + PORT_OFFSET;
  return { http, grpc: http + 1, metrics: http + 2 };
}

interface Launch {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** A GET that answers 200 once the model is loaded. */
  readyPath: string;
}

function launchOf(name: ModelServerName, model: string): Launch {
  const bin = (command: string) => join(CACHE, name, 'venv/bin', command);
  const ports = portsOf(name);
  switch (name) {
    case 'mlserver':
      // https://mlserver.readthedocs.io/en/1.7.1/reference/settings.html: MLSERVER_* override settings.json.
      return {
        command: bin('mlserver'),
        args: ['start', model],
        env: {
          MLSERVER_HOST: '127.0.0.1',
          MLSERVER_HTTP_PORT: String(ports.http),
          MLSERVER_GRPC_PORT: String(ports.grpc),
          MLSERVER_METRICS_PORT: String(ports.metrics),
          // The model in the server's own process: no pool of worker processes on a 2-core machine.
          MLSERVER_PARALLEL_WORKERS: '0',
        },
        readyPath: '/v2/models/classifier/ready',
      };
    case 'seldon':
      return {
        command: bin('seldon-core-microservice'),
        args: ['IrisClassifier', '--service-type', 'MODEL', '--http-port', String(ports.http), '--grpc-port', String(ports.grpc), '--metrics-port', String(ports.metrics)],
        readyPath: '/health/status',
      };
    case 'kserve':
      return {
        command: bin('python'),
        args: ['kserve_iris.py', '--model_name', 'classifier', '--http_port', String(ports.http), '--grpc_port', String(ports.grpc)],
        readyPath: '/v2/models/classifier/ready',
      };
  }
}

export class ModelServer {
  readonly url: string;
  /** The server's last lines of output, for a failure message. */
  readonly output: string[] = [];
  private child?: ChildProcess;
  private exited?: Promise<unknown>;

  constructor(readonly name: ModelServerName) {
    this.url = `http://127.0.0.1:${portsOf(name).http}`;
  }

  /** Starts the server and waits until it says its model is ready. */
  async start(timeoutMs = 180_000): Promise<this> {
    const model = join(CACHE, this.name, 'model');
    if (!existsSync(join(CACHE, this.name, 'venv/bin/python')) || !existsSync(join(model, '.stamp'))) {
      throw new Error(`${this.name} is not installed in ${CACHE}/${this.name}: run tools/model-servers/install.sh (.ci/run does)`);
    }
    const launch = launchOf(this.name, model);
    // A process group of its own: gunicorn and uvicorn fork workers, and stop() ends them all.
    const child = spawn(launch.command, launch.args, { cwd: model, env: { ...process.env, ...launch.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    let exit: string | undefined;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exit = `exited with ${signal ?? code}`))));
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        this.output.splice(0, Math.max(0, this.output.length - 60));
        if (process.env.E2E_VERBOSE) process.stdout.write(`${this.name} | ${chunk}`);
      });
    }
    let last = 'no answer';
    await waitFor(
      async () => {
        if (exit) throw new Error(`${this.name} ${exit} before it was ready:\n${this.output.join('\n')}`);
        try {
          const res = await fetch(`${this.url}${launch.readyPath}`, { signal: AbortSignal.timeout(2000) });
          last = `${res.status} ${await res.text()}`;
          return res.ok;
        } catch (err) {
          last = (err as Error).message;
          return false;
        }
      },
      { what: () => `${this.name} to answer GET ${launch.readyPath} with 200 (last: ${last}):\n${this.output.join('\n')}`, timeoutMs, intervalMs: 200 },
    );
    return this;
  }

  /** SIGTERM to the server's process group, SIGKILL if it is still there after 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is gone already
      }
    };
    signalGroup('SIGTERM');
    const killer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
    // Workers that outlived their parent.
    signalGroup('SIGKILL');
  }
}
