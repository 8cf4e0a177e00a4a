import { defaultLocalAddresses, type TopologyOptions } from './topology';

const list = (raw: string | undefined, fallback: string[]): string[] =>
  raw === undefined || raw.trim() === '' ? fallback : raw.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * EVENTING_MANIFESTS (comma-separated files or folders), LOCAL_ADDRESSES (the host map; '' inside
 * a cluster), CLUSTER_DOMAIN, KAFKA_SELF_CONSUMING_SERVICES, SERVICE_NAMESPACE.
 */
export function topologyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): TopologyOptions {
  return {
    manifests: list(env.EVENTING_MANIFESTS, ['config/manifests']),
    localAddresses: env.LOCAL_ADDRESSES ?? defaultLocalAddresses(),
    clusterDomain: env.CLUSTER_DOMAIN || 'cluster.local',
    selfConsuming: list(env.KAFKA_SELF_CONSUMING_SERVICES, ['response-publisher', 'event-display']),
    serviceNamespace: env.SERVICE_NAMESPACE || 'default',
    variables: env,
  };
}
