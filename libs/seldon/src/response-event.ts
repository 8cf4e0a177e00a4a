import { randomUUID } from 'node:crypto';
import { createEvent, type CloudEvent, type SpecVersion } from '@seldon-eventing/cloudevents';
import { INFERENCE_SERVICE_KIND, kserveResponseSource, KSERVE_RESPONSE_TYPE } from './inference-service';
import { parseResponseType, responseSource, responseType } from './names';

/**
 * The response event Seldon Core v1's executor answers a CloudEvents request with
 * (executor/api/rest/middlewares.go, CloudeventHeaderMiddleware, plus the puidHeader middleware
 * that makes up a Seldon-Puid when the request has none):
 *   Ce-Id          = the request's Seldon-Puid, else a fresh UUID
 *   Ce-Specversion = 0.3
 *   Ce-Type        = seldon.<deployment>.<namespace>.response
 *   Ce-Source      = seldon.<deployment>
 *   Ce-Path        = the predictor path that was called
 * with the predictor's response body as data and its Content-Type as datacontenttype.
 *
 * A prediction that failed (the predictor answered other than 2xx, with an error retrying cannot
 * change) is still answered with a response event, as the executor answers the request, but
 * carries `seldonstatus` = the predictor's HTTP status, so that a consumer or a Trigger filter
 * can tell it apart without parsing bodies (`filter.attributes: { seldonstatus: "" }` selects
 * failures). A successful response is exactly the executor's, with no such extension.
 *
 * A KServe InferenceService's answer gets the type and source KServe's own model server gives the
 * CloudEvent it answers (python/kserve/kserve/utils/utils.py, create_response_cloudevent):
 *   type   = io.kserve.inference.response
 *   source = io.kserve.inference.<model>       (the model is the InferenceService's name)
 * and the rest as above: the puid as id (KServe makes up a fresh one; the puid lets a client find
 * the answer to its request), `path`, `seldonstatus` on failure, the response-publisher's specversion.
 */

export const DEFAULT_RESPONSE_SPECVERSION: SpecVersion = '0.3';
/** The extension carrying the predictor path (Ce-Path). */
export const PATH_EXTENSION = 'path';
/** The extension marking a failed prediction with the predictor's HTTP status. */
export const STATUS_EXTENSION = 'seldonstatus';

export interface PredictionOutcome {
  /** The SeldonDeployment's name, or the InferenceService's (see `kind`). */
  deployment: string;
  namespace: string;
  /** Set for a KServe InferenceService; a SeldonDeployment otherwise. */
  kind?: typeof INFERENCE_SERVICE_KIND;
  /** The request's Seldon-Puid; the response event's id when set. */
  puid?: string;
  /** The predictor path called, e.g. `/api/v1.0/predictions`. */
  path: string;
  /** The predictor's response body, as it came. */
  body: Buffer;
  /** The predictor's Content-Type; the event has no datacontenttype without it. */
  contentType?: string;
  /** The predictor's HTTP status; a non-2xx one marks the response as a failed prediction. */
  status?: number;
}

/** Whether a predictor's status is a failed prediction. */
export function isFailedPrediction(status: number | undefined): boolean {
  return status !== undefined && (status < 200 || status > 299);
}

/** Whether `type` is a response event's: `seldon.<deployment>.<namespace>.response`, or KServe's. */
export function isResponseEventType(type: string): boolean {
  return type === KSERVE_RESPONSE_TYPE || parseResponseType(type) !== undefined;
}

export interface ResponseEventOptions {
  /** Default 0.3, as Seldon sends. */
  specversion?: SpecVersion;
}

export function buildResponseEvent(outcome: PredictionOutcome, options: ResponseEventOptions = {}): CloudEvent {
  return createEvent({
    specversion: options.specversion ?? DEFAULT_RESPONSE_SPECVERSION,
    id: outcome.puid ? outcome.puid : randomUUID(),
    ...(outcome.kind === INFERENCE_SERVICE_KIND
      ? { source: kserveResponseSource(outcome.deployment), type: KSERVE_RESPONSE_TYPE }
      : { source: responseSource(outcome.deployment), type: responseType(outcome) }),
    ...(outcome.contentType ? { datacontenttype: outcome.contentType } : {}),
    extensions: { [PATH_EXTENSION]: outcome.path, ...(isFailedPrediction(outcome.status) ? { [STATUS_EXTENSION]: String(outcome.status) } : {}) },
    data: outcome.body,
  });
}
