export { defaultLocalAddresses, KAFKA_DISPATCHER, PREDICTOR_ROUTER, Topology, type TopologyOptions } from './topology';
export { expandEnv } from './expand-env';
export { topologyOptionsFromEnv } from './topology.settings';
export { topologyProvider } from './topology.provider';
export { topologySettings, type TopologySettings } from './topology.settings';
