import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PORT_OFFSET, post, SEED_PAYLOAD, seedHeaders } from './support/flow';
import { waitFor } from './support/wait';

const ROOT = join(__dirname, '../..');
/** npm run images tags the images with the package's version. */
const TAG: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
/** The knative flow's services, in start order (the broker last but the ingress, as npm start does). */
const APPS = ['model-server', 'predictor-router', 'response-publisher', 'event-display', 'broker', 'ingress-adapter'] as const;
type App = (typeof APPS)[number];
const BASE = 18300 + PORT_OFFSET;
const PORTS: Record<App, number> = {
  broker: BASE + 80,
  'ingress-adapter': BASE + 81,
  'predictor-router': BASE + 82,
  'response-publisher': BASE + 83,
  'event-display': BASE + 84,
  'model-server': BASE + 90,
};
/** The README's ports, which npm run images builds into each image (PORT, EXPOSE). */
const DEFAULT_PORTS: Record<App, number> = { broker: 8080, 'ingress-adapter': 8081, 'predictor-router': 8082, 'response-publisher': 8083, 'event-display': 8084, 'model-server': 9000 };
/** Every container knows every port: the image's config/local-addresses.yaml expands them into addresses. */
const PORT_ENV = {
  BROKER_PORT: PORTS.broker,
  INGRESS_ADAPTER_PORT: PORTS['ingress-adapter'],
  PREDICTOR_ROUTER_PORT: PORTS['predictor-router'],
  RESPONSE_PUBLISHER_PORT: PORTS['response-publisher'],
  EVENT_DISPLAY_PORT: PORTS['event-display'],
  MODEL_SERVER_PORT: PORTS['model-server'],
};

/**
 * One service in a container of its own image, run with `buildah run --isolation chroot`: the
 * image's root filesystem, user (node, uid 1000), working directory and environment, sharing the
 * host's network. (podman run, with namespaces and cgroups, cannot start a container on this
 * machine: crun refuses its hybrid cgroups and the RLIMIT_NOFILE setting; see docs/deploy.md.)
 */
class Container {
  readonly output: string[] = [];
  private readonly name: string;
  private process?: ChildProcess;
  private exited?: Promise<unknown>;

  constructor(readonly app: App) {
    this.name = `e2e-${app}-${randomUUID().slice(0, 8)}`;
  }

  /** The image's Docker configuration: its command, user, exposed port and health check. */
  get image(): { Cmd: string[]; User: string; ExposedPorts: Record<string, unknown>; Healthcheck: { Test: string[] } } {
    return JSON.parse(buildah(['inspect', '--type', 'image', `localhost/seldon-eventing/${this.app}:${TAG}`])).Docker.config;
  }

  get url(): string {
    return `http://127.0.0.1:${PORTS[this.app]}`;
  }

  async start(): Promise<void> {
    buildah(['from', '--pull-never', '--name', this.name, `localhost/seldon-eventing/${this.app}:${TAG}`]);
    const env = Object.entries({ ...PORT_ENV, PORT: PORTS[this.app], LOG_LEVEL: 'warn' }).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    // The image's own command (CMD); its own process group, so that a stop reaches node inside.
    const command: string[] = this.image.Cmd;
    const child = spawn('buildah', ['run', '--isolation', 'chroot', ...env, this.name, '--', ...command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n')));
    await waitFor(async () => (await fetch(`${this.url}/readyz`).catch(() => undefined))?.ok === true, {
      what: () => `${this.app}'s container to be ready; it printed:\n${this.output.slice(-20).join('\n')}`,
      timeoutMs: 60_000,
    });
  }

  /** The image's HEALTHCHECK command, run in the same container as the service. */
  healthcheck(): number {
    const test: string[] = this.image.Healthcheck.Test;
    expect(test[0]).toBe('CMD');
    const env = Object.entries({ PORT: PORTS[this.app] }).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    return spawnSync('buildah', ['run', '--isolation', 'chroot', ...env, this.name, '--', ...test.slice(1)]).status ?? -1;
  }

  /** Files of the container's root filesystem written since `since` (ms), but those buildah run writes itself. */
  writtenSince(since: number): string[] {
    const root = buildah(['mount', this.name]);
    const written: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.isFile() && statSync(path).mtimeMs > since) written.push(relative(root, path));
      }
    };
    try {
      walk(root);
    } finally {
      buildah(['umount', this.name]);
    }
    return written.filter((path) => !['etc/hosts', 'etc/resolv.conf', 'etc/hostname', 'run/.containerenv'].includes(path));
  }

  async stop(): Promise<void> {
    if (this.process?.pid && this.process.exitCode === null) {
      process.kill(-this.process.pid, 'SIGTERM');
      await this.exited;
    }
    spawnSync('buildah', ['rm', this.name]);
  }
}

function buildah(args: string[]): string {
  const result = spawnSync('buildah', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`buildah ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

describe('the images, each service in a container of its own (knative backend)', () => {
  const containers = new Map<App, Container>();
  let startedAt = 0;

  beforeAll(async () => {
    // npm run images, for the knative flow's apps: docker where there is an engine, else buildah.
    const built = spawnSync(join(ROOT, 'tools/images/build.sh'), [...APPS], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
    if (built.status !== 0) throw new Error(`npm run images failed:\n${built.stderr.slice(-4000)}`);
    startedAt = Date.now();
    for (const app of APPS) {
      const container = new Container(app);
      containers.set(app, container);
      await container.start();
    }
  }, 1_800_000);

  afterAll(async () => {
    for (const container of [...containers.values()].reverse()) await container.stop();
  });

  it('every container answers /readyz and passes its image HEALTHCHECK; each image runs as node and exposes its port', async () => {
    for (const container of containers.values()) {
      expect([container.app, container.image.User, Object.keys(container.image.ExposedPorts)]).toEqual([container.app, 'node', [`${DEFAULT_PORTS[container.app]}/tcp`]]);
      expect([container.app, (await fetch(`${container.url}/readyz`)).status]).toEqual([container.app, 200]);
      expect([container.app, container.healthcheck()]).toEqual([container.app, 0]);
    }
  });

  it("answers the seed request 202, and event-display's container prints the response event", async () => {
    const puid = randomUUID();
    const answer = await post(`${containers.get('broker')!.url}/`, seedHeaders({ 'Ce-Seldonpuid': puid }), SEED_PAYLOAD);
    expect(answer.status).toBe(202);
    const display = containers.get('event-display')!;
    await waitFor(() => display.output.includes(`  id: ${puid}`), {
      what: () => `event-display's container to print the response; it printed:\n${display.output.slice(-40).join('\n')}`,
    });
    const printed = display.output.slice(display.output.lastIndexOf('☁️  cloudevents.Event'));
    expect(printed).toEqual(expect.arrayContaining(['  type: seldon.iris-deployment.default.response', '  source: seldon.iris-deployment', `  id: ${puid}`, '  path: /api/v1.0/predictions']));
  });

  it('writes nothing to any root filesystem, so the chart can mount them read-only', () => {
    for (const container of containers.values()) expect([container.app, container.writtenSince(startedAt)]).toEqual([container.app, []]);
  });
});
