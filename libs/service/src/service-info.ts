import { serviceIdentitySettings } from './service-identity.settings';

/** Identity of the running service, injectable anywhere in its module tree. */
export class ServiceInfo {
  constructor(readonly name: string) {}
}

/** The Kubernetes Service this process runs as (SERVICE_NAME), which Triggers name as their subscriber. */
export function serviceName(defaultName: string, env?: NodeJS.ProcessEnv): string {
  return serviceIdentitySettings.read(env).name ?? defaultName;
}
