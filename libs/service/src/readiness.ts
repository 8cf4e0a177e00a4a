import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Bus } from '@seldon-eventing/transport';
import { BUS } from './eventing.module';

/**
 * Readiness is separate from liveness: a service that cannot carry events now (Kafka or the
 * broker it publishes to unreachable, its Trigger consumers not started) is alive but not ready,
 * and so is one that is shutting down, so that load balancers and `npm start` wait or go
 * elsewhere; `waitingFor` says why, in the words of the log line that reported it.
 */
@Injectable()
export class Readiness {
  private stopping = false;

  constructor(@Optional() @Inject(BUS) private readonly bus?: Bus) {}

  markStopping(): void {
    this.stopping = true;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  status(): { ready: boolean; waitingFor: string[] } {
    const waitingFor = [...(this.stopping ? ['shutdown in progress'] : []), ...(this.bus?.waitingFor() ?? [])];
    return { ready: waitingFor.length === 0, waitingFor };
  }
}
