import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { defaultLocalAddresses, type TopologyOptions } from './topology';

/** Where the user's Kubernetes YAML is, how its cluster addresses are reached, who serves what. */
export const topologySettings = defineSettings('Eventing manifests', {
  manifests: setting.list('EVENTING_MANIFESTS', {
    default: ['config/manifests'],
    description: 'comma-separated YAML files or folders: Triggers (`eventing.knative.dev` v1alpha1/v1beta1/v1), Brokers, Services, SeldonDeployments, KafkaSinks',
  }),
  // Unset means the checkout's file if it exists; empty means none (inside a cluster).
  localAddresses: setting.string('LOCAL_ADDRESSES', {
    keepEmpty: true,
    defaultText: '`config/local-addresses.yaml` if it exists',
    description: 'cluster host names -> local addresses, for running outside a cluster (set it empty inside one); `${NAME}` and `${NAME:-default}` in it are expanded from the environment',
  }),
  clusterDomain: setting.string('CLUSTER_DOMAIN', { default: 'cluster.local', description: "the cluster's DNS domain, in the addresses Triggers' subscribers resolve to" }),
  // Empty is a value here: no service consumes its own Triggers, the kafka-dispatcher delivers them all.
  selfConsumingServices: setting.list('KAFKA_SELF_CONSUMING_SERVICES', {
    default: ['response-publisher', 'event-display', 'ingress-adapter'],
    keepEmpty: true,
    description: 'Services of the product that serve their own Triggers (consuming them on kafka); the kafka-dispatcher delivers every other non-predictor Trigger over HTTP',
  }),
  serviceNamespace: setting.string('SERVICE_NAMESPACE', { default: 'default', description: "the namespace of the product's Services, which Triggers name as subscribers" }),
});

export type TopologySettings = SettingsOf<typeof topologySettings>;

/** The topology's options from the environment, which `${NAME}` in the address map expands from too. */
export function topologyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): TopologyOptions {
  const settings = topologySettings.read(env);
  return {
    manifests: settings.manifests,
    localAddresses: settings.localAddresses ?? defaultLocalAddresses(),
    clusterDomain: settings.clusterDomain,
    selfConsuming: settings.selfConsumingServices,
    serviceNamespace: settings.serviceNamespace,
    variables: env,
  };
}
