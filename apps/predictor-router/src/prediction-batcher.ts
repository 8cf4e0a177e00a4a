import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { isRetryable } from '@seldon-eventing/eventing';
import {
  batchableRequest,
  mergeRequests,
  splitResponse,
  type BatchableRequest,
  type BatchPolicy,
  type SeldonProtocol,
} from '@seldon-eventing/seldon';
import { Topology } from '@seldon-eventing/topology';
import type { HttpResponse } from '@seldon-eventing/transport';
import { PredictorClient, protocolOfTarget } from './predictor-client';
import type { PredictorName, PredictorTarget } from './predictor-targets';

/** One predictor call: what PredictorClient.predict does. */
export type PredictorCall = (target: PredictorTarget, body: Buffer, contentType: string, puid: string) => Promise<HttpResponse>;

interface Waiting {
  item: BatchableRequest;
  body: Buffer;
  contentType: string;
  puid: string;
  resolve(response: HttpResponse): void;
  reject(err: unknown): void;
}

interface Batch {
  target: PredictorTarget;
  protocol: SeldonProtocol;
  waiting: Waiting[];
  timer?: NodeJS.Timeout;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
 * Micro-batching of predictor calls, for deployments that opt in (see libs/seldon batch-policy):
 * requests for the same predictor whose bodies merge (libs/seldon batching rules) wait in one
 * queue, and are sent as one call when the queue holds the deployment's max size or max wait after
 * its first request. Each request gets its own answer back:
 *
 * - 2xx that splits into one answer per request: each its part;
 * - unreachable, or a status Knative retries (5xx, 429...): each fails as its own call would, so
 *   each delivery is retried and dead-lettered by itself by the delivery engine;
 * - any other answer (a 4xx, or an answer that does not split by rows): each request is called
 *   alone, so that one request the model refuses does not fail the others, and each gets the
 *   predictor's own answer to it.
 *
 * A batch of one is called with its own body, unchanged. Requests that cannot merge (and every
 * request of a deployment without batching) are called at once, as without batching.
 */
export class Batcher {
  private readonly log = new Logger('PredictionBatcher');
  private readonly batches = new Map<string, Batch>();

  constructor(
    private readonly call: PredictorCall,
    private readonly policyOf: (name: PredictorName) => BatchPolicy | undefined,
  ) {}

  predict(target: PredictorTarget, body: Buffer, contentType: string, puid: string): Promise<HttpResponse> {
    const policy = this.policyOf(target.name);
    const protocol = protocolOfTarget(target.url);
    const item = policy && JSON_TYPE.test(contentType) ? batchableRequest(protocol, body) : undefined;
    if (!policy || !item) return this.call(target, body, contentType, puid);
    const key = `${target.url.href} ${item.key}`;
    const batch = this.batches.get(key) ?? { target, protocol, waiting: [] };
    this.batches.set(key, batch);
    const answer = new Promise<HttpResponse>((resolve, reject) => batch.waiting.push({ item, body, contentType, puid, resolve, reject }));
    if (batch.waiting.length >= policy.maxSize) this.flush(key, batch);
    else if (!batch.timer) batch.timer = setTimeout(() => this.flush(key, batch), policy.maxWaitMs);
    return answer;
  }

  private flush(key: string, batch: Batch): void {
    clearTimeout(batch.timer);
    this.batches.delete(key);
    void this.send(batch);
  }

  private async send({ target, protocol, waiting }: Batch): Promise<void> {
    if (waiting.length === 1) return this.alone(target, waiting[0]);
    const merged = Buffer.from(JSON.stringify(mergeRequests(protocol, waiting.map((w) => w.item.request))));
    let response: HttpResponse;
    try {
      response = await this.call(target, merged, 'application/json', randomUUID());
    } catch (err) {
      for (const w of waiting) w.reject(err);
      return;
    }
    if (isRetryable(response.status)) {
      for (const w of waiting) w.resolve(response);
      return;
    }
    const parts = response.status >= 200 && response.status < 300 ? this.split(protocol, response, waiting) : undefined;
    if (!parts) {
      this.log.debug(`predictor ${target.url.href} answered ${response.status} to a batch of ${waiting.length}: each request is called alone`);
      await Promise.all(waiting.map((w) => this.alone(target, w)));
      return;
    }
    const headers = { 'content-type': response.headers['content-type'] ?? 'application/json' };
    waiting.forEach((w, i) => w.resolve({ status: response.status, headers, body: Buffer.from(JSON.stringify(parts[i])) }));
  }

  private split(protocol: SeldonProtocol, response: HttpResponse, waiting: Waiting[]): unknown[] | undefined {
    let answer: unknown;
    try {
      answer = JSON.parse(response.body.toString('utf8'));
    } catch {
      return undefined;
    }
    return splitResponse(
      protocol,
      answer,
      waiting.map((w) => ({ request: w.item.request, rows: w.item.rows, puid: w.puid })),
    );
  }

  private alone(target: PredictorTarget, w: Waiting): Promise<void> {
    return this.call(target, w.body, w.contentType, w.puid).then(w.resolve, w.reject);
  }
}

/** The Batcher on the predictor-router's PredictorClient and the deployments' annotations. */
@Injectable()
export class PredictionBatcher extends Batcher {
  constructor(predictor: PredictorClient, topology: Topology) {
    super(
      (target, body, contentType, puid) => predictor.predict(target, body, contentType, puid),
      // Batching is a SeldonDeployment's opt-in: an InferenceService of the same name is not it.
      (name) => (name.kind === undefined ? topology.batchPolicy(name) : undefined),
    );
  }
}
