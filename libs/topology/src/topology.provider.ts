import { Logger, type Provider } from '@nestjs/common';
import { Topology } from './topology';
import { topologyOptionsFromEnv } from './topology.settings';

/** The topology as a Nest provider: loaded once per service, injected by its class. */
export const topologyProvider: Provider = {
  provide: Topology,
  useFactory: () => Topology.load(topologyOptionsFromEnv(), new Logger('Topology')),
};
