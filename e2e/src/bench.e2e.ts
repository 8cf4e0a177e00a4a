import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BACKENDS, PORT_OFFSET } from './support/flow';

const ROOT = path.resolve(__dirname, '../..');

/** Runs the bench CLI as `npm run bench` does after its build; resolves its exit code and output. */
function runBench(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'tools/bench/bench.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The benchmark's smoke mode on the backends of the matrix (kafka on the Kafka the e2e setup
 * started): it must produce figures and lose no accepted event. Speed is never asserted here: the
 * machine running the tests is not a benchmark machine.
 */
describe('npm run bench -- --smoke', () => {
  let out: string;

  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 'bench-e2e-'));
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures each backend end to end, writes its results, and every accepted event gets its response', async () => {
    // In this checkout's band of ports (the knative suites use base + 80..90), below the range
    // the system hands out to outgoing connections, which a listening port could collide with.
    const env = { ...process.env, BENCH_PORT_BASE: process.env.BENCH_PORT_BASE ?? String(18200 + PORT_OFFSET) };
    const run = await runBench(['--smoke', '--backend', BACKENDS.join(','), '--out', out], env);
    process.stdout.write(run.stdout);
    if (run.code !== 0) throw new Error(`bench exited ${run.code}:\n${run.stderr.slice(-4000)}`);

    const { run: info, records } = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'));
    expect(info).toEqual({ date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), commit: expect.stringMatching(/^[0-9a-f]{7,}/), machine: expect.stringContaining('Node.js'), command: expect.stringContaining('--smoke') });
    expect(new Set(records.map((r: { backend: string }) => r.backend))).toEqual(new Set(BACKENDS));
    for (const record of records) {
      const where = `${record.backend} ${record.entry} ${record.scenario}`;
      expect({ where, measured: record.events_per_s > 0, ceiling: record.ceiling_events_per_s > 0 }).toEqual({ where, measured: true, ceiling: true });
      expect({ where, lost: record.lost, ceilingLost: record.ceiling_lost }).toEqual({ where, lost: 0, ceilingLost: 0 });
      expect({ where, routerRssMb: record.rss_mb['predictor-router'] > 0 }).toEqual({ where, routerRssMb: true });
    }
    const svg = readFileSync(path.join(out, 'latest.svg'), 'utf8');
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    // The chart says which run it shows.
    expect(svg).toContain(`commit ${info.commit}`);
  }, 600_000);
});
