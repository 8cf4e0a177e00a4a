/** Identity of the running service, injectable anywhere in its module tree. */
export class ServiceInfo {
  constructor(readonly name: string) {}
}
