import { isMapping } from '@seldon-eventing/cloudevents';
import { locate, ManifestError, typeName, type KubeObject } from '@seldon-eventing/eventing';

/**
 * Opt-in micro-batching of a SeldonDeployment's predictions, by annotations on the deployment:
 *
 *   seldon-eventing.io/batch-max-size: "16"      requests merged into one predictor call at most (≥ 1)
 *   seldon-eventing.io/batch-max-wait-ms: "5"    how long the first request of a batch waits for others (≥ 0, default 0)
 *
 * A batch is called when it holds max-size requests or max-wait-ms after its first request,
 * whichever comes first. Without batch-max-size the deployment is not batched; max-size 1 turns
 * batching off explicitly. The sizes count requests (events), not rows.
 */
export const BATCH_MAX_SIZE_ANNOTATION = 'seldon-eventing.io/batch-max-size';
export const BATCH_MAX_WAIT_MS_ANNOTATION = 'seldon-eventing.io/batch-max-wait-ms';

export interface BatchPolicy {
  maxSize: number;
  maxWaitMs: number;
}

/** Annotations are strings (the manifest loader refuses others, as Kubernetes does): decimal digits only. */
function integerAnnotation(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value) : undefined;
}

/**
 * The batching a SeldonDeployment manifest asks for; undefined when it asks for none (or max-size 1).
 * A value that is not an accepted one throws a ManifestError naming the file, the deployment, the
 * annotation and what it accepts, so that the services refuse to start, as they do for an
 * unknown `spec.protocol`.
 */
export function batchPolicyOf(obj: KubeObject): BatchPolicy | undefined {
  const annotations = isMapping(obj.metadata) && isMapping(obj.metadata.annotations) ? obj.metadata.annotations : {};
  const rawSize = annotations[BATCH_MAX_SIZE_ANNOTATION];
  const rawWait = annotations[BATCH_MAX_WAIT_MS_ANNOTATION];
  const fail = (annotation: string, accepts: string, value: unknown): never => {
    throw new ManifestError(`${locate(obj)}: annotation ${annotation} must be ${accepts}, got ${typeName(value)}`);
  };
  if (rawSize === undefined) {
    if (rawWait !== undefined) fail(BATCH_MAX_WAIT_MS_ANNOTATION, `set together with ${BATCH_MAX_SIZE_ANNOTATION}`, rawWait);
    return undefined;
  }
  const maxSize = integerAnnotation(rawSize);
  if (maxSize === undefined || maxSize < 1) return fail(BATCH_MAX_SIZE_ANNOTATION, 'an integer of 1 or more (requests per predictor call)', rawSize);
  const maxWaitMs = rawWait === undefined ? 0 : integerAnnotation(rawWait);
  if (maxWaitMs === undefined) return fail(BATCH_MAX_WAIT_MS_ANNOTATION, 'an integer of 0 or more (milliseconds)', rawWait);
  return maxSize > 1 ? { maxSize, maxWaitMs } : undefined;
}
