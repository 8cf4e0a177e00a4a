import { RpcException } from '@nestjs/microservices';

/**
 * A delivery failed. Handlers throw it to tell the backend how: `retryable` failures are tried
 * again per the Trigger's delivery spec, others go straight to the dead-letter sink.
 * On the knative backend `status` is the HTTP status the subscriber answers with.
 */
export class DeliveryError extends RpcException {
  override readonly name = 'DeliveryError';
  constructor(
    readonly status: number,
    message: string,
    readonly body?: Buffer,
  ) {
    super(message);
  }

  /** Nest's RPC exception filter passes on what this returns: the error itself, status intact. */
  override getError(): DeliveryError {
    return this;
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
