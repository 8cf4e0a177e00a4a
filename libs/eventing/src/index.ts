export { ManifestError, ResolutionError, UnsupportedFilterError } from './errors';
export {
  DEFAULT_NAMESPACE,
  describeObject,
  loadManifestFiles,
  loadManifests,
  locate,
  originOf,
  typeName,
  type KubeObject,
  type ManifestOrigin,
  type ObjectMeta,
} from './manifests';
export {
  DEFAULT_BROKER,
  EVENTING_GROUP,
  EVENTING_VERSIONS,
  apiGroup,
  describeTrigger,
  isEventingKind,
  parseBroker,
  parseTrigger,
  type Broker,
  type DeliverySpec,
  type Destination,
  type Reference,
  type SubscriptionsApiFilter,
  type Trigger,
} from './model';
export { ATTRIBUTE_NAME, FILTER_DIALECTS } from './filter-spec';
export { attributeGetter, compileFilter, type EventFilter } from './filter';
export { EventingConfig } from './config';
export { parseIsoDuration } from './duration';
export {
  KNATIVE_ERROR_DATA_MAX_BYTES,
  KNATIVE_ERROR_DATA_MAX_LENGTH,
  MAX_BACKOFF_MS,
  deadLetterEvent,
  withoutDeadLetterExtensions,
  isRetryable,
  retryPolicy,
  type DeliveryFailure,
  type RetryPolicy,
} from './delivery';
export { SubscriberResolver, type AddressableResolver, type SubscriberResolverOptions } from './resolver';
export { AddressMap } from './address-map';
export {
  compileTrigger,
  notReady,
  resolveDeadLetter,
  type CompiledTrigger,
  type DeadLetterTarget,
  type TriggerContext,
  type TriggerStatus,
} from './trigger-plan';
