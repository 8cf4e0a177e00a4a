import { existsSync, readFileSync } from 'node:fs';
import { AddressMap, EventingConfig, loadManifestFiles, SubscriberResolver } from '@seldon-eventing/eventing';
import { SELDON_DEPLOYMENT_KIND, seldonDeploymentAddressable } from '@seldon-eventing/seldon';
import { envList, envString } from './env';
import { expandEnv } from './expand-env';

/** Everything the services derive from the user's Kubernetes YAML. */
export interface EventingRuntime {
  config: EventingConfig;
  /** Cluster URLs -> addresses on this machine (empty inside a cluster). */
  addresses: AddressMap;
  resolver: SubscriberResolver;
}

export const EVENTING_RUNTIME = Symbol('EventingRuntime');

export const DEFAULT_MANIFESTS = ['config/manifests'];
export const DEFAULT_LOCAL_ADDRESSES = 'config/local-addresses.yaml';

/**
 * EVENTING_MANIFESTS: comma-separated files or folders of multi-document YAML (Triggers, Brokers,
 * Services, SeldonDeployments). LOCAL_ADDRESSES: the host map for running outside a cluster; set
 * it to an empty string inside one.
 */
export function loadEventingRuntime(env: NodeJS.ProcessEnv = process.env): EventingRuntime {
  const config = EventingConfig.fromManifests(loadManifestFiles(envList('EVENTING_MANIFESTS', DEFAULT_MANIFESTS, env)));
  const addressFile = env.LOCAL_ADDRESSES ?? (existsSync(DEFAULT_LOCAL_ADDRESSES) ? DEFAULT_LOCAL_ADDRESSES : '');
  const addresses = addressFile
    ? AddressMap.fromYaml(expandEnv(readFileSync(addressFile, 'utf8'), env), addressFile)
    : AddressMap.empty();
  const resolver = new SubscriberResolver(config, {
    addressables: { [SELDON_DEPLOYMENT_KIND]: seldonDeploymentAddressable },
    clusterDomain: envString('CLUSTER_DOMAIN', 'cluster.local', env),
  });
  return { config, addresses, resolver };
}
