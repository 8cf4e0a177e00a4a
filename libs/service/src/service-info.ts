/** Identity of the running service, injectable anywhere in its module tree. */
export class ServiceInfo {
  constructor(readonly name: string) {}
}

/** The Kubernetes Service this process runs as (SERVICE_NAME), which Triggers name as their subscriber. */
export function serviceName(defaultName: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.SERVICE_NAME || defaultName;
}
