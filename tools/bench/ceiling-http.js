// The machine's ceiling for the knative path: bare node:http servers, one process per service,
// making the same HTTP exchanges per event as the real flow and doing no other work:
//
//   client -> broker (202) ; broker -> router -> model ; router's reply -> broker
//   broker -> publisher, whose reply -> broker ; broker -> sink
//
// Each bare process is this file run with a role: node ceiling-http.js <role> <json options>.
'use strict';
const http = require('node:http');
const { fork } = require('node:child_process');

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function readBody(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** POSTs and resolves { status, headers, body }. */
function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) =>
      readBody(res).then((b) => resolve({ status: res.statusCode, headers: res.headers, body: b }), reject),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The ce- headers and content type of a message, to pass an event on as it came. */
function eventHeaders(headers, overrides = {}) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) if (name.startsWith('ce-') || name === 'content-type') out[name] = value;
  return { ...out, ...overrides };
}

/** What each bare process does with a POST. */
const ROLES = {
  // Accepts, then delivers the event and each reply in turn, as the broker's Triggers do.
  broker: ({ router, publisher, sink }) => async (req, res, body) => {
    res.writeHead(202).end();
    try {
      const outcome = await post(router, { ...eventHeaders(req.headers), prefer: 'reply' }, body);
      const response = await post(publisher, { ...eventHeaders(outcome.headers), prefer: 'reply' }, outcome.body);
      await post(sink, eventHeaders(response.headers), response.body);
    } catch (err) {
      console.error(`ceiling broker: ${err.message}`);
    }
  },
  // Calls the model and replies with its answer as an event whose id is the puid.
  router: ({ model }) => async (req, res, body) => {
    const answer = await post(model, { 'content-type': 'application/json', 'seldon-puid': req.headers['ce-seldonpuid'] }, body);
    res.writeHead(200, { 'ce-specversion': '0.3', 'ce-id': req.headers['ce-seldonpuid'], 'ce-type': 'bench.ceiling.outcome', 'ce-source': 'bench', 'content-type': 'application/json' });
    res.end(answer.body);
  },
  // Echoes the request: no work, and as many bytes back as came in.
  model: () => async (req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  },
  // Replies with the response event.
  publisher: ({ responseType }) => async (req, res, body) => {
    res.writeHead(200, eventHeaders(req.headers, { 'ce-type': responseType })).end(body);
  },
};

function serve(role, options) {
  const handle = ROLES[role](options);
  const server = http.createServer((req, res) => {
    readBody(req)
      .then((body) => handle(req, res, body))
      .catch((err) => {
        if (!res.headersSent) res.writeHead(500).end(err.message);
      });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

/**
 * Starts one bare process with a role; resolves once it is ready, with `url` set when it serves
 * HTTP (on a port the system picks: fixed ports would race Kafka's and the system's own).
 */
function startBare(file, role, options) {
  const child = fork(file, [role, JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.role = options.name ?? role;
    child.once('message', ({ port }) => {
      if (port) child.url = `http://127.0.0.1:${port}/`;
      resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`ceiling ${role} exited (${code}) before it was ready`)));
  });
}

function stopBare(children) {
  return Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** The bare processes by role, to measure them as the services are measured. */
function pidsOf(children) {
  return Object.fromEntries(children.map((child) => [child.role, child.pid]));
}

/** The bare chain; events enter at `url`, responses go to sinkUrl. */
async function startHttpCeiling({ sinkUrl, responseType }) {
  const children = [];
  const start = async (role, options) => {
    const child = await startBare(__filename, role, options);
    children.push(child);
    return child.url;
  };
  try {
    const model = await start('model', {});
    const router = await start('router', { model });
    const publisher = await start('publisher', { responseType });
    const url = await start('broker', { router, publisher, sink: sinkUrl });
    return { url, pids: pidsOf(children), stop: () => stopBare(children) };
  } catch (err) {
    await stopBare(children);
    throw err;
  }
}

if (require.main === module) serve(process.argv[2], JSON.parse(process.argv[3]));

module.exports = { startHttpCeiling, startBare, stopBare, pidsOf, readBody, post };
