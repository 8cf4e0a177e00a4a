import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { defaultBrokerSetting } from '@seldon-eventing/transport';

const DEFAULT_MANIFESTS = ['config/manifests'];

/** Where the user's Kubernetes YAML is, and how its cluster addresses are reached from here. */
export const eventingSettings = defineSettings('Eventing manifests', {
  manifests: setting.list('EVENTING_MANIFESTS', {
    default: DEFAULT_MANIFESTS,
    description: 'comma-separated YAML files or folders: Triggers (`eventing.knative.dev` v1alpha1/v1beta1/v1), Brokers, Services, SeldonDeployments',
  }),
  // Unset means the default file if it exists; empty means none (inside a cluster).
  localAddresses: setting.string('LOCAL_ADDRESSES', {
    keepEmpty: true,
    defaultText: '`config/local-addresses.yaml` if it exists',
    description: 'cluster host names -> local addresses, for running outside a cluster (set it empty inside one); `${NAME}` and `${NAME:-default}` in it are expanded from the environment',
  }),
  clusterDomain: setting.string('CLUSTER_DOMAIN', { default: 'cluster.local', description: "the cluster's DNS domain, in the addresses Triggers' subscribers resolve to" }),
  defaultBroker: defaultBrokerSetting,
});

export type EventingSettings = SettingsOf<typeof eventingSettings>;

/** Which Kubernetes Service this service is, for the services that serve their own Triggers. */
export const serviceIdentitySettings = defineSettings('This service in the cluster', {
  name: setting.string('SERVICE_NAME', {
    defaultText: "the service's name",
    description: 'the Kubernetes Service this service runs as: it serves the Triggers whose subscriber is that Service',
  }),
  namespace: setting.string('SERVICE_NAMESPACE', { default: 'default', description: "that Service's namespace" }),
});

export type ServiceIdentitySettings = SettingsOf<typeof serviceIdentitySettings>;

