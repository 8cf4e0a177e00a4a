// Where the services export spans when the bench runs with --tracing on: an OTLP/HTTP endpoint on
// this machine that reads each export and counts its spans, so that the figures include the cost
// of recording and exporting spans, and the run can show that spans were in fact exported.
'use strict';
const http = require('node:http');

/** Counts the spans of each OTLP JSON export (`POST /v1/traces`) and answers 200 `{}`, as a collector does. */
async function startOtlpSink(port) {
  const stats = { exports: 0, spans: 0, refused: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try {
        if (req.method !== 'POST' || req.url !== '/v1/traces') throw new Error(`${req.method} ${req.url}`);
        const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const resource of request.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) stats.spans += (scope.spans ?? []).length;
        stats.exports++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        stats.refused++;
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: err.message }));
      }
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

module.exports = { startOtlpSink };
