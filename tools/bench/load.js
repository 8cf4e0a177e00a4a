// The load generator: the seed request, sent over HTTP (node:http with a keep-alive Agent; fetch is
// far slower) or produced straight to a Kafka topic, open-loop at a fixed rate or closed-loop with
// N senders that each wait for their event's response before sending the next.
'use strict';
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');

const REQUEST_TYPE = 'seldon.iris-deployment.default.request';
const RESPONSE_TYPE = 'seldon.iris-deployment.default.response';
const SOURCE = 'seldon.examples.streaming.bench';

/** The README's seed request in binary mode; the puid makes its response findable. */
function seedHeaders(puid) {
  return {
    'ce-id': randomUUID(),
    'ce-specversion': '0.3',
    'ce-type': REQUEST_TYPE,
    'ce-source': SOURCE,
    'ce-seldonpuid': puid,
    'content-type': 'application/json',
  };
}

/** Sends over HTTP; resolves true on 202. `url` is the broker's or the ingress adapter's POST /. */
function httpSender(url) {
  // As many sockets as the largest closed loop has senders, all kept when idle: closing the ones
  // past Node's default of 256 free sockets would reconnect at every burst.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 1024 });
  const target = new URL(url);
  const send = (puid, body) =>
    new Promise((resolve) => {
      const headers = { ...seedHeaders(puid), 'content-length': String(body.length) };
      const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 202));
        res.on('error', () => resolve(false));
      });
      req.on('error', () => resolve(false));
      req.end(body);
    });
  send.close = () => agent.destroy();
  return send;
}

/**
 * Produces binary-mode records (ce_ headers) with acks from all replicas, in batches as the
 * services produce theirs (`produce` is kafka-client's batchingProducer); resolves true on the ack.
 */
function kafkaSender(produce, topic) {
  const send = async (puid, body) => {
    const headers = {};
    for (const [name, value] of Object.entries(seedHeaders(puid))) headers[name.replace(/^ce-/, 'ce_')] = value;
    try {
      await produce(topic, { value: body, headers });
      return true;
    } catch {
      return false;
    }
  };
  send.close = () => {};
  return send;
}

async function sendOne(send, tracker, body) {
  const puid = randomUUID();
  tracker.sent(puid);
  if (await send(puid, body)) {
    tracker.accepted(puid);
    return puid;
  }
  tracker.refusedOne(puid);
  return undefined;
}

/**
 * Closed loop: `concurrency` senders, each sending its next event once the previous one's response
 * reached the sink. Throughput then settles where the pipeline is saturated, and no queue grows.
 */
async function closedLoop({ send, tracker, body, concurrency, durationMs, responseTimeoutMs = 10_000 }) {
  const end = performance.now() + durationMs;
  const sender = async () => {
    while (performance.now() < end) {
      const puid = await sendOne(send, tracker, body);
      if (puid) await tracker.delivery(puid, responseTimeoutMs);
      else await new Promise((r) => setTimeout(r, 5));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
}

/**
 * Open loop: events fall due at a fixed rate whatever the answers, so latency is measured without
 * the coordinated omission of a closed loop. They go out over at most `connections` requests at
 * once, as from a client's connection pool (an unbounded number would turn any slowdown into a
 * storm of new connections that overflows the server's accept queue); events due while
 * `maxQueued` already wait are skipped and counted, so a stalled pipeline cannot pile them up.
 */
async function openLoop({ send, tracker, body, rate, durationMs, connections = 64, maxQueued = 2_000 }) {
  const start = performance.now();
  let due = 0;
  let queued = 0;
  let skipped = 0;
  let inFlight = 0;
  let idle;
  const pump = () => {
    while (queued > 0 && inFlight < connections) {
      queued--;
      inFlight++;
      sendOne(send, tracker, body).then(() => {
        inFlight--;
        pump();
        if (inFlight === 0 && queued === 0 && idle) idle();
      });
    }
  };
  while (performance.now() - start < durationMs) {
    const now = Math.floor(((performance.now() - start) * rate) / 1000);
    for (; due < now; due++) {
      if (queued >= maxQueued) skipped++;
      else queued++;
    }
    pump();
    await new Promise((r) => setTimeout(r, 1));
  }
  if (inFlight > 0 || queued > 0) await new Promise((resolve) => (idle = resolve));
  return { skipped };
}

module.exports = { REQUEST_TYPE, RESPONSE_TYPE, httpSender, kafkaSender, closedLoop, openLoop };
