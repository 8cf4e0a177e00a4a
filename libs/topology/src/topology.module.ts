import { Controller, Get, Logger, Module, Query } from '@nestjs/common';
import { Topology, type TriggerDescription } from './topology';
import { topologyOptionsFromEnv } from './topology.settings';

/**
 * `GET /triggers`: the Triggers of the loaded manifests, their filters, resolved subscriber,
 * delivery spec, status (ready, or not with the reason) and the service that serves each, as
 * `kubectl get triggers` shows them; `?servedBy=<service>` narrows the list.
 */
@Controller()
export class TriggersController {
  constructor(private readonly topology: Topology) {}

  @Get('triggers')
  triggers(@Query('servedBy') servedBy?: string): TriggerDescription[] {
    const all = this.topology.describe();
    return servedBy === undefined ? all : all.filter((t) => t.servedBy === servedBy);
  }
}

/** The topology, loaded once per service and injected by its class, with `GET /triggers`. */
@Module({
  controllers: [TriggersController],
  providers: [{ provide: Topology, useFactory: () => Topology.load(topologyOptionsFromEnv(), new Logger('Topology')) }],
  exports: [Topology],
})
export class TopologyModule {}
