import { Injectable } from '@nestjs/common';

/**
 * Readiness is separate from liveness: once shutdown starts a service is still alive but no
 * longer ready, so that load balancers stop sending work before connections close.
 */
@Injectable()
export class Readiness {
  private stopping = false;

  markStopping(): void {
    this.stopping = true;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  status(): { ready: boolean; waitingFor: string[] } {
    const waitingFor = this.stopping ? ['shutdown in progress'] : [];
    return { ready: waitingFor.length === 0, waitingFor };
  }
}
