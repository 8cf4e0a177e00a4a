import { connect } from 'node:net';
import { toHttpBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import type { BrokerRef, Bus, DeliveryHandler } from '../bus';
import { PublishError } from '../errors';
import type { Log } from '../log';
import type { EventOverrides } from '../overrides';
import { causeOf, isConnectionFailure, Reachability } from '../reachability';
import { DeliveryReceiver } from './delivery-receiver';
import { httpPost } from './http-client';
import type { TokenSource } from './sink-token';
import { traceHeaders } from '../tracing/trace-context';

export interface KnativeHttpBusOptions {
  /** K_SINK: the broker ingress this service publishes to by default. */
  sink: URL;
  overrides: EventOverrides;
  publishTimeoutMs: number;
  /** Sent as `Authorization: Bearer` when the broker ingress requires authentication. */
  sinkToken?: TokenSource;
  log?: Log;
}

const SILENT: Log = { debug: () => undefined, log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The knative backend: publishing is a POST to the broker ingress; deliveries arrive as POSTs
 * that the service's HTTP server hands to `receiver.handle`; a reply is the HTTP response.
 */
export class KnativeHttpBus implements Bus {
  readonly backend = 'knative';
  readonly receiver: DeliveryReceiver;
  /** Watched from the first publish that could not connect: only a service that publishes needs the broker. */
  private sinkReachability?: Reachability;

  constructor(private readonly options: KnativeHttpBusOptions) {
    this.receiver = new DeliveryReceiver(options.overrides);
  }

  waitingFor(): string[] {
    const problem = this.sinkReachability?.problem;
    return problem ? [problem] : [];
  }

  /** Another broker on the same ingress is `/<namespace>/<name>` next to K_SINK's. */
  ingressUrl(broker?: BrokerRef): URL {
    return broker ? new URL(`/${broker.namespace}/${broker.name}`, this.options.sink) : this.options.sink;
  }

  async publish(event: CloudEvent, broker?: BrokerRef): Promise<void> {
    const url = this.ingressUrl(broker);
    // Known unreachable: say so now rather than after the publish timeout.
    const problem = this.sinkReachability?.problem;
    if (problem) throw new PublishError(503, problem);
    const message = toHttpBinary(this.options.overrides(event));
    // The active span (the ingress that took the event in) is the broker ingress's parent.
    let headers = { ...message.headers, ...traceHeaders() };
    let response;
    try {
      if (this.options.sinkToken) headers = { ...headers, authorization: `Bearer ${this.options.sinkToken()}` };
      response = await httpPost(url, headers, message.body, this.options.publishTimeoutMs);
    } catch (err) {
      if (isConnectionFailure(err)) this.watchSink().report(err);
      throw new PublishError(503, `broker ${url.href} is unreachable: ${causeOf(err)}`);
    }
    if (response.status >= 200 && response.status < 300) return;
    const reason = reasonOf(response.body) ?? `broker answered ${response.status}`;
    // A refusal of this service's own credentials is no fault of its client: a bad gateway.
    if (response.status === 401 || response.status === 403) {
      throw new PublishError(502, `broker ${url.href} refused this service's credentials (K_SINK_TOKEN): ${reason}`);
    }
    // The broker's other 4xx are about the event or the address, so they are the client's too;
    // anything else means the broker could not take it now.
    throw new PublishError(response.status >= 400 && response.status < 500 ? response.status : 503, reason);
  }

  async listen(triggers: CompiledTrigger[], handler: DeliveryHandler): Promise<void> {
    this.receiver.attach(triggers, handler);
  }

  close(): Promise<void> {
    this.sinkReachability?.stop();
    return this.receiver.drain();
  }

  /** The broker ingress's port answering a TCP connection is what a publish needs first. */
  private watchSink(): Reachability {
    const { hostname, port, protocol } = this.options.sink;
    this.sinkReachability ??= new Reachability({
      what: `broker ${this.options.sink.origin}`,
      healthyMs: 5_000,
      unhealthyMs: 1_000,
      log: this.options.log ?? SILENT,
      probe: () =>
        new Promise<void>((resolve, reject) => {
          const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || (protocol === 'https:' ? 443 : 80)), timeout: 1_000 });
          socket.once('connect', () => {
            socket.destroy();
            resolve();
          });
          socket.once('timeout', () => {
            socket.destroy();
            reject(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' }));
          });
          socket.once('error', reject);
        }),
    });
    return this.sinkReachability;
  }
}

function reasonOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}
