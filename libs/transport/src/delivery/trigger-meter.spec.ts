import { register } from 'prom-client';
import { TriggerMeter } from './trigger-meter';

const trigger = { trigger: { namespace: 'default', broker: 'default', name: 'iris' } } as ConstructorParameters<typeof TriggerMeter>[0];

async function counts(): Promise<Record<string, number>> {
  const { values } = await register.getSingleMetric('trigger_event_count')!.get();
  return Object.fromEntries(values.map((v) => [`${v.labels.outcome} ${v.labels.response_code} ${v.labels.response_code_class}`, v.value]));
}

describe('TriggerMeter', () => {
  beforeEach(() => register.resetMetrics());

  it('counts each settled outcome by its last response code, and each retried attempt by its own', async () => {
    const meter = new TriggerMeter(trigger);
    const started = performance.now();
    meter.settled({ kind: 'delivered', attempts: 1, status: 202 }, started);
    meter.settled({ kind: 'delivered', attempts: 3, status: 200, retried: [503, undefined] }, started);
    meter.settled({ kind: 'dead-lettered', attempts: 1, failure: { destination: 'http://sub/', status: 400 } }, started);
    meter.settled({ kind: 'lost', attempts: 1, failure: { destination: 'http://sub/' } }, started);
    meter.filtered();
    meter.settled({ kind: 'aborted', retried: [503] }, started);
    expect(await counts()).toEqual({
      'delivered 202 2xx': 1,
      'delivered 200 2xx': 1,
      'retried 503 5xx': 2,
      'retried  ': 1,
      'dead-lettered 400 4xx': 1,
      'lost  ': 1,
      'filtered  ': 1,
    });
  });

  it('times settled deliveries per outcome and leaves aborted ones out', async () => {
    const meter = new TriggerMeter(trigger);
    meter.settled({ kind: 'delivered', attempts: 1 }, performance.now() - 30);
    meter.settled({ kind: 'aborted' }, performance.now());
    const { values } = (await register.getSingleMetric('trigger_event_dispatch_latencies_seconds')!.get()) as { values: { metricName?: string; value: number; labels: Record<string, string | number> }[] };
    const count = values.filter((v) => v.metricName?.endsWith('_count'));
    expect(count).toEqual([expect.objectContaining({ value: 1, labels: expect.objectContaining({ trigger_name: 'iris', outcome: 'delivered' }) })]);
    const le50ms = values.find((v) => v.metricName?.endsWith('_bucket') && v.labels.le === 0.025);
    expect(le50ms?.value).toBe(0);
  });
});
