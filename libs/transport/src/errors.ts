/**
 * A delivery failed. Handlers throw it to tell the backend how: `retryable` failures are tried
 * again per the Trigger's delivery spec, others go straight to the dead-letter sink.
 * On the knative backend `status` is the HTTP status the subscriber answers with, and `body`
 * (the answer of whatever failed behind the handler, of type `contentType`) its response body;
 * either way the body is what a dead letter carries as `knativeerrordata`.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly status: number,
    message: string,
    readonly body?: Buffer,
    readonly contentType?: string,
  ) {
    super(message);
  }
}

/** The broker did not accept an event; `status` is what an HTTP front door should answer. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
