import { randomUUID } from 'node:crypto';
import { createEvent, type CloudEvent, type SpecVersion } from '@seldon-eventing/cloudevents';
import { responseSource, responseType } from './names';

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
 */

export const DEFAULT_RESPONSE_SPECVERSION: SpecVersion = '0.3';
/** The extension carrying the predictor path (Ce-Path). */
export const PATH_EXTENSION = 'path';
/** The extension marking a failed prediction with the predictor's HTTP status. */
export const STATUS_EXTENSION = 'seldonstatus';

export interface PredictionOutcome {
  deployment: string;
  namespace: string;
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

export interface ResponseEventOptions {
  /** Default 0.3, as Seldon sends. */
  specversion?: SpecVersion;
}

export function buildResponseEvent(outcome: PredictionOutcome, options: ResponseEventOptions = {}): CloudEvent {
  return createEvent({
    specversion: options.specversion ?? DEFAULT_RESPONSE_SPECVERSION,
    id: outcome.puid ? outcome.puid : randomUUID(),
    source: responseSource(outcome.deployment),
    type: responseType(outcome),
    ...(outcome.contentType ? { datacontenttype: outcome.contentType } : {}),
    extensions: { [PATH_EXTENSION]: outcome.path, ...(isFailedPrediction(outcome.status) ? { [STATUS_EXTENSION]: String(outcome.status) } : {}) },
    data: outcome.body,
  });
}
