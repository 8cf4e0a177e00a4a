import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

/** One labelled series of a BufferedCounter: `add` is a plain addition. */
export interface CounterSeries {
  add(value?: number): void;
}

/**
 * A prom-client Counter whose increments add up in plain numbers and reach prom-client when it
 * is scraped (its `collect` hook). prom-client hashes the label values on every `inc`, bound
 * children included; the Triggers' counts are taken per event and per Trigger (every Trigger
 * counts what its filter turned away), and that hashing was most of the 9% of an event's CPU that
 * metrics cost on the bench, against issue #12's bar of 5%. Scrapes see the same totals.
 */
export class BufferedCounter<T extends string> {
  readonly counter: Counter<T>;
  private readonly pending: { labels: LabelValues<T>; value: number }[] = [];

  constructor(configuration: Omit<CounterConfiguration<T>, 'collect'>) {
    const pending = this.pending;
    this.counter = new Counter<T>({
      ...configuration,
      collect() {
        for (const series of pending) {
          if (series.value === 0) continue;
          this.inc(series.labels, series.value);
          series.value = 0;
        }
      },
    });
  }

  /** The series of these label values; keep it, since each call makes a new one. */
  series(labels: LabelValues<T>): CounterSeries {
    const series = { labels, value: 0 };
    this.pending.push(series);
    return { add: (value = 1) => void (series.value += value) };
  }
}
