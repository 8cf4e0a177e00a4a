import { existsSync, readFileSync } from 'node:fs';
import {
  AddressMap,
  compileTrigger,
  EventingConfig,
  loadManifestFiles,
  SubscriberResolver,
  type CompiledTrigger,
  type Trigger,
  type TriggerContext,
} from '@seldon-eventing/eventing';
import {
  batchPolicyOf,
  isPredictorTrigger,
  isSeldonDeployment,
  parseSeldonDeployment,
  SELDON_DEPLOYMENT_KIND,
  seldonDeploymentAddressable,
  type BatchPolicy,
  type DeploymentName,
  type SeldonDeployment,
} from '@seldon-eventing/seldon';
import { expandEnv } from './expand-env';

/** The product's services that Triggers are served by, besides the user's own subscribers. */
export const PREDICTOR_ROUTER = 'predictor-router';
/** On kafka, the service that delivers Triggers to subscribers that consume nothing themselves. */
export const KAFKA_DISPATCHER = 'kafka-dispatcher';

/** One Trigger in `GET /triggers`. */
export interface TriggerDescription {
  namespace: string;
  name: string;
  broker: string;
  ready: boolean;
  /** Why it is not ready (an unknown SeldonDeployment, an unresolvable subscriber...). */
  reason?: string;
  filter?: Trigger['filter'];
  filters?: Trigger['filters'];
  /** The subscriber's resolved address; null when it cannot be resolved. */
  subscriber: string | null;
  delivery?: Trigger['delivery'];
  /** The service that consumes its events; null when it is not ready. */
  servedBy: string | null;
}

export interface TopologyOptions {
  /** Files or folders of multi-document YAML: Triggers, Brokers, Services, SeldonDeployments, KafkaSinks. */
  manifests: string[];
  /** The host map for running outside a cluster; undefined or '' inside one. */
  localAddresses?: string;
  clusterDomain: string;
  /** Kubernetes Services of the product that consume their own Triggers (response-publisher, event-display). */
  selfConsuming: string[];
  /** The namespace those Services run in. */
  serviceNamespace: string;
  /** What `${VAR}` in the address map expands from. */
  variables: Record<string, string | undefined>;
}

/**
 * Everything the services derive from the user's Kubernetes YAML, compiled once at start: the
 * eventing model, every Trigger compiled (with its status), and which service serves each. This
 * is the one place that decides who serves a Trigger:
 * - a Seldon predictor subscriber: the predictor-router (it calls the predictor and reports the
 *   outcome as events);
 * - a subscriber that is one of the product's self-consuming Services: that Service;
 * - anything else: the subscriber itself, reached by the broker on knative and by the
 *   kafka-dispatcher on kafka.
 */
export class Topology implements TriggerContext {
  readonly triggers: CompiledTrigger[];
  private readonly servers = new Map<CompiledTrigger, string>();
  private readonly deployments = new Map<string, SeldonDeployment>();
  private readonly batchPolicies = new Map<string, BatchPolicy>();

  constructor(
    readonly config: EventingConfig,
    readonly addresses: AddressMap,
    readonly resolver: SubscriberResolver,
    options: Pick<TopologyOptions, 'selfConsuming' | 'serviceNamespace' | 'clusterDomain'>,
  ) {
    // Every SeldonDeployment is read now, so a malformed one (an unknown spec.protocol...) stops
    // the start with its file, document and field, rather than refusing its requests later.
    for (const obj of config.objects) {
      if (!isSeldonDeployment(obj)) continue;
      const sdep = parseSeldonDeployment(obj);
      this.deployments.set(`${sdep.namespace}/${sdep.name}`, sdep);
      const batching = batchPolicyOf(obj);
      if (batching) this.batchPolicies.set(`${sdep.namespace}/${sdep.name}`, batching);
    }
    const selfConsuming = new Map(options.selfConsuming.map((name) => [`${name}.${options.serviceNamespace}.svc.${options.clusterDomain}`, name]));
    this.triggers = config.triggers.map((trigger) => compileTrigger(trigger, this));
    for (const compiled of this.triggers) {
      const subscriber = compiled.subscriber;
      if (!subscriber) continue;
      const server = isPredictorTrigger(compiled.trigger, subscriber) ? PREDICTOR_ROUTER : (selfConsuming.get(subscriber.hostname) ?? KAFKA_DISPATCHER);
      this.servers.set(compiled, server);
    }
  }

  /** Loads the manifests; Triggers that are not ready are reported to `log`, once, with why. */
  static load(options: TopologyOptions, log: { warn(message: string): void }): Topology {
    const config = EventingConfig.fromManifests(loadManifestFiles(options.manifests));
    const file = options.localAddresses;
    const addresses = file ? AddressMap.fromYaml(expandEnv(readFileSync(file, 'utf8'), options.variables), file) : AddressMap.empty();
    const resolver = new SubscriberResolver(config, {
      addressables: { [SELDON_DEPLOYMENT_KIND]: seldonDeploymentAddressable },
      clusterDomain: options.clusterDomain,
    });
    const topology = new Topology(config, addresses, resolver, options);
    for (const compiled of topology.notReady) log.warn(`trigger ${compiled.key} is not ready and is not served: ${compiled.status.reason}`);
    return topology;
  }

  /** The SeldonDeployment `name` names, if the manifests hold it. */
  deployment(name: DeploymentName): SeldonDeployment | undefined {
    return this.deployments.get(`${name.namespace}/${name.deployment}`);
  }

  /** The micro-batching a SeldonDeployment opts into by its annotations; undefined when none. */
  batchPolicy(name: DeploymentName): BatchPolicy | undefined {
    return this.batchPolicies.get(`${name.namespace}/${name.deployment}`);
  }

  /** The service that consumes a Trigger's events (see the class comment); undefined when it is not ready. */
  servedBy(compiled: CompiledTrigger): string | undefined {
    return compiled.status.ready ? this.servers.get(compiled) : undefined;
  }

  /** The ready Triggers a service serves. */
  triggersOf(service: string): CompiledTrigger[] {
    return this.triggers.filter((compiled) => this.servedBy(compiled) === service);
  }

  /** Every Trigger as `kubectl get triggers -o yaml` would sum it up, with who serves it here. */
  describe(): TriggerDescription[] {
    return this.triggers.map((compiled) => {
      const { trigger, status } = compiled;
      return {
        namespace: trigger.namespace,
        name: trigger.name,
        broker: trigger.broker,
        ready: status.ready,
        ...(status.reason ? { reason: status.reason } : {}),
        ...(trigger.filters?.length ? { filters: trigger.filters } : { filter: trigger.filter ?? {} }),
        subscriber: compiled.subscriber?.href ?? null,
        ...(compiled.delivery ? { delivery: compiled.delivery } : {}),
        servedBy: this.servedBy(compiled) ?? null,
      };
    });
  }

  /** The Triggers that are not ready, with why: for start-up warnings and status reports. */
  get notReady(): CompiledTrigger[] {
    return this.triggers.filter((compiled) => !compiled.status.ready);
  }
}

/** The default address map when LOCAL_ADDRESSES is unset: the checkout's, when there is one. */
export function defaultLocalAddresses(file = 'config/local-addresses.yaml'): string | undefined {
  return existsSync(file) ? file : undefined;
}
