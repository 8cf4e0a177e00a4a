import { Histogram } from 'prom-client';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import type { RetriedStatus } from './attempt';
import { BufferedCounter, type CounterSeries } from './buffered-counter';
import type { SendOutcome } from './send-event';

/**
 * Delivery metrics, one set for both backends, named after Knative's broker filter
 * (`event_count`, `event_dispatch_latencies`, with its namespace_name / broker_name / trigger_name /
 * response_code / response_code_class labels; latencies in seconds, Prometheus's base unit, not
 * Knative's milliseconds). They live in prom-client's default registry: one process is one
 * service, whose /metrics serves that registry. prom-client is plain Node, so the transport stays
 * free of NestJS. Labels are bounded: the configured Triggers, five outcomes, HTTP status codes.
 */
const TRIGGER_LABELS = ['namespace_name', 'broker_name', 'trigger_name'] as const;

const eventCount = new BufferedCounter({
  name: 'trigger_event_count',
  help: 'Events a Trigger delivered, retried (one per retried attempt), dead-lettered, filtered out or lost, by the last response code',
  labelNames: [...TRIGGER_LABELS, 'outcome', 'response_code', 'response_code_class'],
});

const dispatchLatency = new Histogram({
  name: 'trigger_event_dispatch_latencies_seconds',
  help: 'Time from the first delivery attempt of an event to its settled outcome (retries, reply and dead letter included)',
  labelNames: [...TRIGGER_LABELS, 'outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

/** What a delivery is counted as: SendOutcome's kinds, `filtered` and each retried attempt. */
export type MeteredOutcome = 'delivered' | 'retried' | 'dead-lettered' | 'filtered' | 'lost';

/**
 * The delivery metrics of one Trigger. Its series are made once per (outcome, code) and kept:
 * a count is then an addition (see BufferedCounter); prom-client's `labels()` copies and
 * validates the label values and binds a new child on every call.
 */
export class TriggerMeter {
  private readonly labels: Record<(typeof TRIGGER_LABELS)[number], string>;
  /** By outcome, then status ('' for none): no key string to build per event. */
  private readonly counters = new Map<MeteredOutcome, Map<RetriedStatus, CounterSeries>>();
  private readonly latencies = new Map<string, Histogram.Internal<string>>();

  constructor(compiled: Pick<CompiledTrigger, 'trigger'>) {
    const { trigger } = compiled;
    this.labels = { namespace_name: trigger.namespace, broker_name: trigger.broker, trigger_name: trigger.name };
  }

  /** An event the Trigger's filter did not accept: every Trigger of a broker counts most events so. */
  filtered(): void {
    this.count('filtered', undefined);
  }

  /** A settled delivery (aborted ones count only their retries), timed from `startedAt` (performance.now()). */
  settled(outcome: SendOutcome, startedAt: number): void {
    if (outcome.retried) for (const status of outcome.retried) this.count('retried', status);
    if (outcome.kind === 'aborted') return;
    const kind = outcome.kind;
    this.count(kind, kind === 'delivered' ? outcome.status : outcome.failure.status);
    let latency = this.latencies.get(kind);
    if (!latency) {
      latency = dispatchLatency.labels({ ...this.labels, outcome: kind });
      this.latencies.set(kind, latency);
    }
    latency.observe((performance.now() - startedAt) / 1000);
  }

  private count(outcome: MeteredOutcome, status: RetriedStatus): void {
    let byStatus = this.counters.get(outcome);
    if (!byStatus) {
      byStatus = new Map();
      this.counters.set(outcome, byStatus);
    }
    let series = byStatus.get(status);
    if (!series) {
      series = eventCount.series({ ...this.labels, outcome, response_code: status === undefined ? '' : String(status), response_code_class: codeClass(status) });
      byStatus.set(status, series);
    }
    series.add();
  }
}

/** Knative's response_code_class: `2xx` … `5xx`; empty when there was no HTTP answer (network error, in-process handler). */
export function codeClass(status: number | undefined): string {
  return status === undefined ? '' : `${Math.floor(status / 100)}xx`;
}
