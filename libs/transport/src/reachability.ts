import type { Log } from './log';

export interface ReachabilityOptions {
  /** What is watched, for the log lines: e.g. `Kafka at 127.0.0.1:9092`. */
  what: string;
  /** Resolves when the dependency answers; rejects with why it does not. */
  probe: () => Promise<void>;
  /** Probe period while it answers. */
  healthyMs: number;
  /** Probe period while it does not: how soon recovery is seen. */
  unhealthyMs: number;
  log: Log;
}

/**
 * Whether a dependency this service cannot work without (Kafka, the broker it publishes to)
 * answers now, from a probe on a timer and from what its users report. Readiness and the
 * publish path read `problem` instead of each waiting out their own timeouts; a change is
 * logged once, on the transition, not on every probe.
 */
export class Reachability {
  private current?: string;
  private timer?: NodeJS.Timeout;
  private probing = false;
  private stopped = false;

  constructor(private readonly options: ReachabilityOptions) {}

  /** Why the dependency is unreachable (`<what> unreachable: <cause>`), or undefined while it answers. */
  get problem(): string | undefined {
    return this.current;
  }

  /** Probes now, then on the timer; resolves after the first probe. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.check();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** A user of the dependency saw it fail to connect: unreachable until a probe answers. */
  report(err: unknown): void {
    if (this.stopped) return;
    this.set(this.unreachable(err));
    this.schedule();
  }

  private async check(): Promise<void> {
    if (this.probing || this.stopped) return;
    this.probing = true;
    try {
      await this.options.probe();
      this.set(undefined);
    } catch (err) {
      this.set(this.unreachable(err));
    } finally {
      this.probing = false;
      this.schedule();
    }
  }

  private unreachable(err: unknown): string {
    return `${this.options.what} unreachable: ${causeOf(err)}`;
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), this.current ? this.options.unhealthyMs : this.options.healthyMs);
    // Never what keeps a process alive.
    this.timer.unref();
  }

  private set(problem: string | undefined): void {
    if (problem === this.current) return;
    const was = this.current;
    this.current = problem;
    if (problem) this.options.log.warn(`${problem}; not ready until it answers`);
    else if (was) this.options.log.log(`${this.options.what} reachable again`);
  }
}

/**
 * The most telling cause of a connection failure: the system error code (ECONNREFUSED,
 * ENOTFOUND, ETIMEDOUT) wherever a client library nested it, else the innermost message.
 */
export function causeOf(err: unknown): string {
  let message = String((err as Error)?.message ?? err);
  for (let e = err as { code?: unknown; cause?: unknown; message?: string } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
    if (e.message) message = e.message;
  }
  return message;
}

/** A failure to reach a peer at all (refused, unresolvable, timed out connecting), not a refusal by it. */
export function isConnectionFailure(err: unknown): boolean {
  return /^E[A-Z]+$/.test(causeOf(err));
}
