import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const PYTHON = join(ROOT, '.cache/venv/bin/python');

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number | string;
}

export interface MetricFamily {
  name: string;
  type: string;
  samples: Sample[];
}

/**
 * A service's /metrics, parsed by prometheus_client's text-format parser (tools/python): a parser
 * nobody here wrote, so the exposition is checked as Prometheus would read it. The venv is made by
 * tools/python/setup.sh (which .ci/run calls); it is made here too when missing.
 */
export async function scrape(serviceUrl: string): Promise<MetricFamily[]> {
  const res = await fetch(`${serviceUrl}/metrics`);
  if (res.status !== 200) throw new Error(`GET ${serviceUrl}/metrics answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  if (!existsSync(PYTHON)) execFileSync('bash', [join(ROOT, 'tools/python/setup.sh')], { stdio: 'inherit' });
  const json = execFileSync(PYTHON, [join(ROOT, 'tools/python/parse-metrics.py')], { input: text, encoding: 'utf8' });
  return JSON.parse(json) as MetricFamily[];
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function total(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const family of families) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) sum += Number(sample.value);
    }
  }
  return sum;
}

/**
 * What makes a histogram well formed, per label set: buckets cumulative (never decreasing as `le`
 * grows), a `+Inf` bucket equal to `_count`, and a `_sum` that is a non-negative number. Returns
 * the faults found, empty when none.
 */
export function histogramFaults(families: MetricFamily[]): string[] {
  const faults: string[] = [];
  for (const family of families.filter((f) => f.type === 'histogram')) {
    const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
    for (const sample of family.samples) {
      const { le, ...rest } = sample.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      const entry = series.get(key) ?? { buckets: [] };
      series.set(key, entry);
      if (sample.name.endsWith('_bucket')) entry.buckets.push([le === '+Inf' ? Infinity : Number(le), Number(sample.value)]);
      else if (sample.name.endsWith('_count')) entry.count = Number(sample.value);
      else if (sample.name.endsWith('_sum')) entry.sum = Number(sample.value);
    }
    for (const [key, { buckets, count, sum }] of series) {
      const where = `${family.name}${key}`;
      buckets.sort((a, b) => a[0] - b[0]);
      if (buckets.length === 0 || buckets[buckets.length - 1][0] !== Infinity) faults.push(`${where}: no +Inf bucket`);
      if (buckets.some(([, v], i) => i > 0 && v < buckets[i - 1][1])) faults.push(`${where}: buckets not cumulative`);
      if (count === undefined || buckets[buckets.length - 1]?.[1] !== count) faults.push(`${where}: +Inf bucket is not _count (${count})`);
      if (sum === undefined || !(sum >= 0)) faults.push(`${where}: _sum missing or negative (${sum})`);
    }
  }
  return faults;
}
