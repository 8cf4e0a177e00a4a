import type { TriggerDescription } from '@seldon-eventing/topology';
import { parseSamples } from './prometheus-text';

/** A service the console asks for its /metrics. */
export interface ServiceAddress {
  name: string;
  url: URL;
}

/** A Trigger's delivery counts, summed over the services that deliver it. */
export interface TriggerCounts {
  delivered: number;
  /** Attempts that failed: those retried, and each event's last one when it was dead-lettered or lost. */
  failed: number;
  deadLettered: number;
  lost: number;
  /** Deliveries per second since the previous look; null on the first look or after a counter went back (a restart). */
  rate: number | null;
}

export interface FlowTrigger extends TriggerDescription {
  counts: TriggerCounts;
}

export interface FlowView {
  backend: string;
  brokers: { namespace: string; name: string; triggers: string[] }[];
  triggers: FlowTrigger[];
  services: { name: string; url: string; reachable: boolean; error?: string }[];
}

export interface TriggerFlowOptions {
  backend: string;
  /** The Triggers as GET /triggers lists them (the same manifests every service loads). */
  triggers: () => TriggerDescription[];
  services: ServiceAddress[];
  timeoutMs: number;
  now?: () => number;
}

// docs/observability.md, "Delivery, per Trigger": one counter, the outcome as a label.
const TRIGGER_EVENT_COUNT = 'trigger_event_count';

/**
 * The console's Flow: brokers, Triggers with their filters, subscribers and status, and each
 * Trigger's live delivery counts read from every service's /metrics (on knative the broker
 * delivers every Trigger; on kafka each service delivers its own, so the sum over services is
 * each Trigger's count either way). A service that does not answer is shown as unreachable; its
 * Triggers' counts are what the others report.
 */
export class TriggerFlow {
  private readonly previous = new Map<string, { at: number; delivered: number }>();
  private readonly now: () => number;

  constructor(private readonly options: TriggerFlowOptions) {
    this.now = options.now ?? Date.now;
  }

  async view(): Promise<FlowView> {
    const scraped = await Promise.all(this.options.services.map((service) => this.scrape(service)));
    const totals = new Map<string, Omit<TriggerCounts, 'rate'>>();
    for (const { samples } of scraped) {
      for (const sample of samples) {
        const key = `${sample.labels.namespace_name}/${sample.labels.trigger_name}`;
        const counts = totals.get(key) ?? { delivered: 0, failed: 0, deadLettered: 0, lost: 0 };
        switch (sample.labels.outcome) {
          case 'delivered':
            counts.delivered += sample.value;
            break;
          case 'retried':
            counts.failed += sample.value;
            break;
          case 'dead-lettered':
            counts.deadLettered += sample.value;
            counts.failed += sample.value;
            break;
          case 'lost':
            counts.lost += sample.value;
            counts.failed += sample.value;
            break;
        }
        totals.set(key, counts);
      }
    }
    const at = this.now();
    const triggers = this.options.triggers().map((trigger) => {
      const key = `${trigger.namespace}/${trigger.name}`;
      const counts = totals.get(key) ?? { delivered: 0, failed: 0, deadLettered: 0, lost: 0 };
      return { ...trigger, counts: { ...counts, rate: this.rate(key, at, counts.delivered) } };
    });
    return {
      backend: this.options.backend,
      brokers: brokersOf(triggers),
      triggers,
      services: scraped.map(({ service, error }) => ({ name: service.name, url: service.url.href, reachable: !error, ...(error ? { error } : {}) })),
    };
  }

  private rate(key: string, at: number, delivered: number): number | null {
    const before = this.previous.get(key);
    this.previous.set(key, { at, delivered });
    if (!before || at <= before.at || delivered < before.delivered) return null;
    return ((delivered - before.delivered) * 1000) / (at - before.at);
  }

  private async scrape(service: ServiceAddress): Promise<{ service: ServiceAddress; samples: ReturnType<typeof parseSamples>; error?: string }> {
    try {
      const res = await fetch(new URL('/metrics', service.url), { signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (!res.ok) return { service, samples: [], error: `GET /metrics answered ${res.status}` };
      return { service, samples: parseSamples(await res.text(), [TRIGGER_EVENT_COUNT]) };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { service, samples: [], error: cause ?? (err as Error).message };
    }
  }
}

function brokersOf(triggers: TriggerDescription[]): FlowView['brokers'] {
  const brokers = new Map<string, FlowView['brokers'][number]>();
  for (const trigger of triggers) {
    const key = `${trigger.namespace}/${trigger.broker}`;
    const broker = brokers.get(key) ?? { namespace: trigger.namespace, name: trigger.broker, triggers: [] };
    broker.triggers.push(trigger.name);
    brokers.set(key, broker);
  }
  return [...brokers.values()];
}
