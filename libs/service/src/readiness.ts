import { Injectable } from '@nestjs/common';

/**
 * Readiness is separate from liveness: a service is alive as soon as it listens, but ready only
 * once its dependencies (bus connections, loaded model) are, and not ready again once shutdown
 * starts, so that load balancers stop sending work before connections close.
 */
@Injectable()
export class Readiness {
  private readonly pending = new Set<string>();
  private stopping = false;

  /** Registers a condition that must be marked done before the service reports ready. */
  require(condition: string): () => void {
    this.pending.add(condition);
    return () => this.pending.delete(condition);
  }

  markStopping(): void {
    this.stopping = true;
  }

  status(): { ready: boolean; waitingFor: string[] } {
    const waitingFor = this.stopping ? ['shutdown in progress'] : [...this.pending];
    return { ready: waitingFor.length === 0, waitingFor };
  }
}
