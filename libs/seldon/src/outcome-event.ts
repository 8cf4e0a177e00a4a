import { randomUUID } from 'node:crypto';
import { CloudEventValidationError, createEvent, type CloudEvent } from '@seldon-eventing/cloudevents';
import { INFERENCE_SERVICE_KIND } from './inference-service';
import { STATUS_EXTENSION, type PredictionOutcome } from './response-event';

/**
 * How the predictor-router tells the response-publisher what a predictor answered: the
 * predictor's body as data, the rest in extensions. One type for every deployment, so a single
 * Trigger per broker carries all outcomes.
 */
export const OUTCOME_TYPE = 'io.seldon.eventing.prediction.outcome';
export const OUTCOME_SOURCE = 'seldon-eventing/predictor-router';

export interface OutcomeEventInit extends PredictionOutcome {
  status: number;
}

export function outcomeEvent(outcome: OutcomeEventInit): CloudEvent {
  const extensions: Record<string, string> = {
    seldondeployment: outcome.deployment,
    seldonnamespace: outcome.namespace,
    seldonpath: outcome.path,
    [STATUS_EXTENSION]: String(outcome.status),
  };
  if (outcome.puid) extensions.seldonpuid = outcome.puid;
  // Only an InferenceService is named: the outcome of a SeldonDeployment stays as it was.
  if (outcome.kind) extensions.seldonkind = outcome.kind;
  return createEvent({
    id: randomUUID(),
    type: OUTCOME_TYPE,
    source: OUTCOME_SOURCE,
    datacontenttype: outcome.contentType ?? 'application/json',
    extensions,
    data: outcome.body,
  });
}

/** Reads an outcome event back; a malformed one is a validation error naming the attribute. */
export function readOutcomeEvent(event: CloudEvent): OutcomeEventInit {
  const need = (name: string): string => {
    const value = event.extensions[name];
    if (!value) throw new CloudEventValidationError(name, `outcome event ${event.id} lacks extension '${name}'`);
    return value;
  };
  const status = Number(need(STATUS_EXTENSION));
  const kind = event.extensions.seldonkind;
  if (kind !== undefined && kind !== INFERENCE_SERVICE_KIND) {
    throw new CloudEventValidationError('seldonkind', `outcome event ${event.id} names an unknown predictor kind ${JSON.stringify(kind)} (expected ${INFERENCE_SERVICE_KIND})`);
  }
  if (!Number.isInteger(status)) throw new CloudEventValidationError(STATUS_EXTENSION, `outcome event ${event.id} has a non-numeric ${STATUS_EXTENSION}`);
  return {
    deployment: need('seldondeployment'),
    namespace: need('seldonnamespace'),
    path: need('seldonpath'),
    puid: event.extensions.seldonpuid,
    ...(kind ? { kind } : {}),
    status,
    body: event.data ?? Buffer.alloc(0),
    contentType: event.datacontenttype,
  };
}
