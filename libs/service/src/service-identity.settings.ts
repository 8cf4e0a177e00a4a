import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';

/** Which Kubernetes Service this service is, for the services that serve their own Triggers. */
export const serviceIdentitySettings = defineSettings('This service in the cluster', {
  name: setting.string('SERVICE_NAME', {
    defaultText: "the service's name",
    description: 'the Kubernetes Service this service runs as: it serves the Triggers whose subscriber is that Service',
  }),
});

export type ServiceIdentitySettings = SettingsOf<typeof serviceIdentitySettings>;

