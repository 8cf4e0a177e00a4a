import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { flowPorts } from './support/flow';
import { waitFor } from './support/wait';
const { ROOT, servicesFor } = require('../../tools/run/services.js');

/**
 * What an operator sees on `npm start` (the built services; `npm start` builds first): each
 * service says one line at the default log level, naming where it listens, its backend and how
 * many Triggers it serves; Nest's start-up chatter (modules, routes) stays at debug.
 */
describe('npm start on the knative backend', () => {
  const services: { name: string; portEnv: string }[] = servicesFor('knative');
  const ports = flowPorts('knative');
  let child: ChildProcess;
  let exited: Promise<unknown>;
  const output: string[] = [];

  beforeAll(async () => {
    // The defaults a user gets: no LOG_LEVEL, LOG_FORMAT or manifests of the test environment.
    const { LOG_LEVEL: _level, LOG_FORMAT: _format, EVENTING_MANIFESTS: _manifests, E2E_VERBOSE: _verbose, BROKER_LOG_DIR: _log, ...env } = process.env;
    child = spawn(process.execPath, [path.join(ROOT, 'tools/run/start.js')], { cwd: ROOT, env: { ...env, ...ports, EVENTING_TRANSPORT: 'knative' }, stdio: ['ignore', 'pipe', 'pipe'] });
    exited = new Promise((resolve) => child.once('exit', resolve));
    let pending = '';
    const collect = (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() as string;
      output.push(...lines);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await waitFor(() => output.some((line) => line.startsWith('Ready.')) || child.exitCode !== null, {
      what: () => `"Ready." from npm start; it printed:\n${output.join('\n')}`,
      timeoutMs: 120_000,
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('prints one line per service before "Ready": where it listens, its backend and its Triggers', () => {
    const ready = output.findIndex((line) => line.startsWith('Ready.'));
    if (ready < 0) throw new Error(`npm start did not get ready; it printed:\n${output.join('\n')}`);
    const before = output.slice(0, ready).filter((line) => line.trim() !== '');
    const byService = (name: string) => before.filter((line) => new RegExp(`^${name} +\\| `).test(line));
    for (const { name } of services) {
      expect(byService(name)).toEqual([expect.stringMatching(new RegExp(`^${name} +\\| \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  ${name} listening on http://[^ ,]+:\\d+`))]);
    }
    // The lines with a subscription also say the backend and their Triggers.
    expect(byService('broker')[0]).toMatch(/, backend knative, \d+ Triggers?, /);
    // What the broker answered 202 for survives a crash on npm start: its log is on by default.
    expect(byService('broker')[0]).toContain(`accepted events kept in ${path.join(ROOT, 'data', 'broker-log')} until delivered`);
    // The seed's iris-deployment and the V2 and TensorFlow deployments of config/manifests.
    expect(byService('predictor-router')[0]).toMatch(/, backend knative, 3 Triggers$/);
    // Besides them, only npm start's own header.
    expect(before).toHaveLength(services.length + 1);
    expect(before[0]).toMatch(/^Starting the knative flow/);
    expect(output.join('\n')).not.toMatch(/InstanceLoader|RoutesResolver|RouterExplorer|NestFactory|NestApplication/);
  });
});
