export { defaultLocalAddresses, KAFKA_DISPATCHER, PREDICTOR_ROUTER, Topology, type TopologyOptions, type TriggerDescription } from './topology';
export { expandEnv } from './expand-env';
export { topologyOptionsFromEnv } from './topology.settings';
export { TopologyModule, TriggersController } from './topology.module';
export { topologySettings, type TopologySettings } from './topology.settings';
