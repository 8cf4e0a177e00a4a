// Where response events end up: an HTTP subscriber in the bench process (knative: a Trigger
// delivers to it) or a Kafka consumer of the broker topic (kafka: no dispatcher serves external
// HTTP subscribers there). Each calls onArrival(id) the moment a response event is seen.
'use strict';
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { consumeFromEnd, header } = require('./kafka-client');

/** Answers every delivery 202 (no reply event); records responses of `type`, by ce-id. */
function startHttpSink({ type, onArrival }) {
  const server = http.createServer((req, res) => {
    const at = performance.now();
    req.resume();
    req.on('end', () => {
      if (req.headers['ce-type'] === type) onArrival(String(req.headers['ce-id']), at);
      res.writeHead(202).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        stop: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      }),
    );
  });
}

/** Reads the topic as a group of its own, from its end at start, binary-mode records only. */
async function startKafkaSink({ kafka, topic, type, onArrival }) {
  const groupId = `bench-sink-${process.pid}-${Date.now()}`;
  const consumer = await consumeFromEnd(kafka, {
    groupId,
    topic,
    eachBatch: async ({ batch }) => {
      const at = performance.now();
      for (const message of batch.messages) {
        if (header(message, 'ce_type') === type) onArrival(header(message, 'ce_id'), at);
      }
    },
  });
  return { stop: () => consumer.disconnect() };
}

module.exports = { startHttpSink, startKafkaSink };
