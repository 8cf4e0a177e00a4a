import { Histogram } from 'prom-client';
import { BufferedCounter, codeClass, type BrokerRef, type CounterSeries } from '@seldon-eventing/transport';

/**
 * Ingress metrics, named after Knative's broker ingress (`event_count` with namespace_name,
 * broker_name, response_code, response_code_class), plus `entry`: which URL form the request came
 * by. The broker labels are empty for a path naming no known broker, so a client cannot grow the
 * label set by inventing broker names.
 */
const eventCount = new BufferedCounter({
  name: 'ingress_event_count',
  help: 'Events an ingress accepted (202, one per event of a batch) or refused (one per request), by broker, entry and status code',
  labelNames: ['namespace_name', 'broker_name', 'entry', 'response_code', 'response_code_class'],
});

const requestDuration = new Histogram({
  name: 'ingress_request_duration_seconds',
  help: 'Time from an ingress request read to its answer (for the ingress-adapter on kafka, Kafka acknowledgement included)',
  labelNames: ['entry', 'response_code_class'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/** The ingress metrics of one entry (a URL form); children bound once per label set and kept (see TriggerMeter). */
export class IngressMeter {
  private readonly counters = new Map<string, CounterSeries>();
  private readonly durations = new Map<string, Histogram.Internal<string>>();

  constructor(private readonly entry: string) {}

  /**
   * One answered request: `events` is how many it carried that the answer is about (accepted
   * ones on 202; 1 for a refusal). `broker` only when the broker exists. `startedAt` is performance.now().
   */
  answered(broker: BrokerRef | undefined, status: number, events: number, startedAt: number): void {
    const namespace = broker?.namespace ?? '';
    const name = broker?.name ?? '';
    const key = `${namespace}/${name} ${status}`;
    let counter = this.counters.get(key);
    if (!counter) {
      counter = eventCount.series({ namespace_name: namespace, broker_name: name, entry: this.entry, response_code: String(status), response_code_class: codeClass(status) });
      this.counters.set(key, counter);
    }
    counter.add(events);
    const cls = codeClass(status);
    let duration = this.durations.get(cls);
    if (!duration) {
      duration = requestDuration.labels({ entry: this.entry, response_code_class: cls });
      this.durations.set(cls, duration);
    }
    duration.observe((performance.now() - startedAt) / 1000);
  }
}
