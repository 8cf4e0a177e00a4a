#!/usr/bin/env node
'use strict';
// Single-node Apache Kafka (KRaft, no ZooKeeper) on 127.0.0.1 for development and tests.
// The jars come from Maven Central through ./pom.xml, since that is the only
// place this project can fetch Kafka from. See README.md next to this file.
//
//   node tools/kafka/kafka.js fetch
//   node tools/kafka/kafka.js start [--port 9092] [--data-dir DIR] [--verbose]
//
//   const { startKafka, fetchKafka } = require('./tools/kafka/kafka.js');
//   const kafka = await startKafka({ port: 0 }); // kafka.brokers, kafka.logFile
//   await kafka.stop();
//   // The same broker again, topics and offsets intact:
//   await startKafka({ port: kafka.port, controllerPort: kafka.controllerPort, dataDir: kafka.dataDir });

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

// Keep in step with <kafka.version> in pom.xml (Maven gets it passed explicitly anyway).
const KAFKA_VERSION = process.env.KAFKA_VERSION || '4.1.1';
const POM = path.join(__dirname, 'pom.xml');
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 15_000;

function cacheDir() {
  return (
    process.env.KAFKA_CACHE_DIR ||
    path.join(os.homedir(), '.cache', 'seldon-eventing', `kafka-${KAFKA_VERSION}`)
  );
}

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

// Children that must not outlive this process (mvn, the format tool, the broker),
// e.g. when a test runner exits without stop() or a signal lands mid-startup.
const live = new Set();
function track(child) {
  if (!track.hooked) {
    track.hooked = true;
    process.on('exit', () => live.forEach((c) => c.kill('SIGKILL')));
  }
  live.add(child);
  child.on('close', () => live.delete(child));
  child.on('error', () => live.delete(child));
  return child;
}

// Runs a command to completion; resolves { code, output } rather than rejecting on
// a non-zero exit so callers can word their own error.
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) =>
      reject(err.code === 'ENOENT' ? new Error(`'${cmd}' not found on PATH (needs Maven 3.6+ and Java 17+)`) : err),
    );
    // Maven prints ANSI resets even in batch mode.
    child.on('close', (code) => resolve({ code, output: output.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

function tail(text, lines = 40) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function readTail(file, lines) {
  try {
    return tail(fs.readFileSync(file, 'utf8'), lines);
  } catch {
    return '(no log output)';
  }
}

// The marker records the pom's hash too, so editing pom.xml (say, adding a jar)
// invalidates an existing cache instead of silently running without it.
function fetchStamp() {
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
  return `${KAFKA_VERSION} ${pomHash}\n`;
}

/** Makes sure Kafka's jars are in the cache; returns the lib directory. */
async function fetchKafka({ quiet = false } = {}) {
  const dir = cacheDir();
  const lib = path.join(dir, 'lib');
  const marker = path.join(dir, '.fetched');
  const stamp = fetchStamp();
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === stamp) return lib;

  if (!quiet) process.stderr.write(`kafka: resolving Kafka ${KAFKA_VERSION} jars with Maven into ${lib}\n`);
  fs.mkdirSync(dir, { recursive: true });
  // Download next to the target and rename, so a concurrent or interrupted fetch
  // never leaves a half-filled lib/ that looks complete.
  const staging = fs.mkdtempSync(path.join(dir, 'lib.tmp-'));
  try {
    const { code, output } = await run('mvn', [
      '-q', '-B', '-Dstyle.color=never', '-f', POM,
      // Full plugin coordinates (version from pom.xml): the 'dependency:' prefix
      // lookup fails offline with a misleading "No plugin found" message.
      'org.apache.maven.plugins:maven-dependency-plugin:copy-dependencies',
      `-Dkafka.version=${KAFKA_VERSION}`,
      `-DoutputDirectory=${staging}`,
      '-DincludeScope=runtime',
    ]);
    if (code !== 0) {
      throw new Error(
        `Maven could not resolve org.apache.kafka:kafka_2.13:${KAFKA_VERSION} (exit ${code}). ` +
          `Is Maven Central reachable (network, proxy, ~/.m2/settings.xml)?\n` +
          `--- mvn output (tail) ---\n${tail(output, 30)}`,
      );
    }
    fs.rmSync(lib, { recursive: true, force: true });
    fs.renameSync(staging, lib);
    fs.writeFileSync(marker, stamp);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return lib;
}

// Ports the kernel hands out for port 0 are in its range for outgoing connections (32768 and
// up here), where a connection may take the port before Kafka binds it; a free port is drawn from
// 30000-32767 instead, above the e2e suites' own ranges (18000+ and 28000+ with their offsets).
const FREE_PORT_RANGE = [30000, 32767];

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

async function freePort() {
  const [low, high] = FREE_PORT_RANGE;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port in ${low}-${high} on ${HOST}`);
}

function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err) =>
      reject(new Error(`port ${HOST}:${port} is not available (${err.code}); pick another with --port`)),
    );
    srv.listen(port, HOST, () => srv.close(() => resolve()));
  });
}

// A Metadata v4 request (the oldest version Kafka 4 still accepts). The broker only
// lists itself once it has caught up with the metadata log and been unfenced, so a
// non-empty broker list means it really serves clients, unlike a bare TCP connect.
function brokerAnswers(port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const clientId = Buffer.from('kafka-launcher');
    const req = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length + 4 + 1);
    let o = req.writeInt32BE(req.length - 4, 0);
    o = req.writeInt16BE(3, o); // api_key Metadata
    o = req.writeInt16BE(4, o); // api_version
    o = req.writeInt32BE(1, o); // correlation_id
    o = req.writeInt16BE(clientId.length, o);
    o += clientId.copy(req, o);
    o = req.writeInt32BE(0, o); // no topics: we only want the broker list
    req.writeInt8(0, o); // allow_auto_topic_creation

    let buf = Buffer.alloc(0);
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    const sock = net.connect({ host: HOST, port }, () => sock.write(req));
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      // size, correlation_id, throttle_time_ms, then the brokers array length.
      if (buf.length >= 16) done(buf.readInt32BE(4) === 1 && buf.readInt32BE(12) > 0);
    });
  });
}

function serverProperties({ port, controllerPort, dataDir }) {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    // A static quorum keeps formatting to `format --cluster-id=<id>`; the 4.x dynamic
    // quorum (controller.quorum.bootstrap.servers + --standalone) buys nothing on one node.
    `controller.quorum.voters=1@${HOST}:${controllerPort}`,
    `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    // Internal topics default to RF 3, which a single node can never satisfy.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests should not wait 3 s for a consumer group's first rebalance.
    'group.initial.rebalance.delay.ms=0',
    'num.partitions=1',
    'auto.create.topics.enable=true',
    '',
  ].join('\n');
}

// Kafka 4 is configured with log4j2; without a config file it would log only errors.
const LOG4J2_PROPERTIES = `status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;

/**
 * Starts a broker and resolves once it answers metadata requests.
 * @param {{ port?: number, controllerPort?: number, dataDir?: string, verbose?: boolean, timeoutMs?: number }} [options]
 *   port (and controllerPort) 0 or omitted picks a free port; verbose copies the broker log to stderr.
 *   dataDir keeps the log there instead of in the temp dir: it survives stop(), and a broker started
 *   again on it (same ports) has the same cluster, topics and committed offsets.
 * @returns {Promise<{ brokers: string, port: number, controllerPort: number, dataDir: string, pid: number,
 *   logFile: string, stop: () => Promise<void>, exited: Promise<{ code?: number, signal?: string, error?: Error }> }>}
 */
async function startKafka({ port = 0, controllerPort = 0, dataDir, verbose = false, timeoutMs = START_TIMEOUT_MS } = {}) {
  const lib = await fetchKafka();
  if (port) await assertPortFree(port);
  else port = await freePort();
  if (controllerPort) await assertPortFree(controllerPort);
  else controllerPort = await freePort();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-'));
  dataDir = dataDir ? path.resolve(dataDir) : path.join(tmp, 'data');
  // meta.properties is what `format` writes: its presence means the directory already holds a cluster.
  const formatted = fs.existsSync(path.join(dataDir, 'meta.properties'));
  const config = path.join(tmp, 'server.properties');
  const log4j = path.join(tmp, 'log4j2.properties');
  const logFile = path.join(tmp, 'broker.log');
  fs.writeFileSync(config, serverProperties({ port, controllerPort, dataDir }));
  fs.writeFileSync(log4j, LOG4J2_PROPERTIES);

  const classpath = path.join(lib, '*');
  const jvmArgs = [
    ...(process.env.KAFKA_HEAP_OPTS || '-Xmx512m -Xms256m').split(/\s+/).filter(Boolean),
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    `-Dkafka.logs.dir=${tmp}`,
    '-cp', classpath,
  ];
  const cleanupTmp = () => fs.rmSync(tmp, { recursive: true, force: true });

  // The JVMs are killed by track()'s exit hook; this removes what they leave behind.
  process.on('exit', cleanupTmp);

  if (formatted) {
    fs.writeFileSync(logFile, `kafka: reusing the cluster in ${dataDir}\n`);
  } else {
    // Cluster ids are 16 random bytes in URL-safe base64, as `kafka-storage random-uuid` prints;
    // one may start with '-', so it goes as --cluster-id=<id>, never as a separate argument.
    const clusterId = crypto.randomBytes(16).toString('base64url');
    const format = await run(javaBin(), [
      ...jvmArgs, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', config,
    ]);
    fs.writeFileSync(logFile, format.output);
    if (format.code !== 0) {
      process.removeListener('exit', cleanupTmp);
      cleanupTmp();
      throw new Error(`kafka-storage format failed (exit ${format.code}):\n${tail(format.output)}`);
    }
  }

  // Java writes straight into the log file, so the log survives even if this
  // process stalls or dies; --verbose needs a pipe to tee it.
  const logFd = fs.openSync(logFile, 'a');
  const java = track(
    spawn(javaBin(), [...jvmArgs, 'kafka.Kafka', config], {
      stdio: verbose ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
    }),
  );
  if (verbose) {
    for (const stream of [java.stdout, java.stderr]) {
      stream.on('data', (d) => {
        fs.writeSync(logFd, d);
        process.stderr.write(d);
      });
    }
  }

  let exited = false;
  const exitPromise = new Promise((resolve) => {
    // 'close' rather than 'exit': with --verbose the pipes must drain before logFd closes.
    java.on('close', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    java.on('error', (err) => {
      exited = true;
      resolve({ error: err });
    });
  });

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (!exited) {
        java.kill('SIGTERM');
        const timer = setTimeout(() => java.kill('SIGKILL'), STOP_GRACE_MS);
        await exitPromise;
        clearTimeout(timer);
      }
      process.removeListener('exit', cleanupTmp);
      try {
        fs.closeSync(logFd);
      } catch {}
      cleanupTmp();
    })();
    return stopping;
  };

  const deadline = Date.now() + timeoutMs;
  let earlyExit;
  exitPromise.then((e) => (earlyExit = e));
  for (;;) {
    if (earlyExit) {
      const logTail = readTail(logFile, 40);
      await stop();
      const why = earlyExit.error ? earlyExit.error.message : `exit code ${earlyExit.code}, signal ${earlyExit.signal}`;
      throw new Error(`Kafka broker exited during startup (${why}). Log tail:\n${logTail}`);
    }
    if (await brokerAnswers(port)) break;
    if (Date.now() > deadline) {
      const logTail = readTail(logFile, 40);
      await stop();
      throw new Error(
        `Kafka broker on ${HOST}:${port} not ready after ${Math.round(timeoutMs / 1000)} s. Log tail:\n${logTail}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return { brokers: `${HOST}:${port}`, port, controllerPort, dataDir, pid: java.pid, logFile, stop, exited: exitPromise };
}

function parseArgs(argv) {
  const opts = { cmd: argv[0], port: 9092, dataDir: undefined, verbose: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--verbose' || a === '-v') opts.verbose = true;
    else if (a === '--data-dir' || a.startsWith('--data-dir=')) {
      opts.dataDir = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!opts.dataDir) throw new Error('--data-dir needs a directory');
    } else if (a === '--port' || a.startsWith('--port=')) {
      const v = a.includes('=') ? a.split('=')[1] : argv[++i];
      opts.port = Number(v);
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65534) {
        throw new Error(`invalid --port '${v}'`);
      }
    } else throw new Error(`unknown argument '${a}'`);
  }
  return opts;
}

const USAGE = `usage: node tools/kafka/kafka.js fetch
       node tools/kafka/kafka.js start [--port 9092] [--data-dir DIR] [--verbose]`;

async function main(argv) {
  const opts = parseArgs(argv);
  if (opts.cmd === 'fetch') {
    const lib = await fetchKafka();
    process.stderr.write(`kafka: Kafka ${KAFKA_VERSION} jars ready in ${lib}\n`);
    return;
  }
  if (opts.cmd !== 'start') {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = opts.cmd ? 2 : 0;
    return;
  }

  // Signals that arrive mid-startup must not orphan the JVM either.
  let kafka;
  let shuttingDown = false;
  const onSignal = async (sig) => {
    if (shuttingDown) return;
    shuttingDown = true;
    process.stderr.write(`kafka: ${sig} received, stopping broker\n`);
    if (kafka) await kafka.stop();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const t0 = Date.now();
  kafka = await startKafka({ port: opts.port, dataDir: opts.dataDir, verbose: opts.verbose });
  process.stderr.write(`kafka: broker log: ${kafka.logFile}\n`);
  process.stderr.write(`kafka: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`KAFKA_BROKERS=${kafka.brokers}\n`);

  const { code, signal } = await kafka.exited;
  if (!shuttingDown) {
    process.stderr.write(`kafka: broker exited unexpectedly (code ${code}, signal ${signal}); log:\n`);
    process.stderr.write(`${readTail(kafka.logFile, 40)}\n`);
    await kafka.stop();
    process.exit(1);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`kafka: ${err.message}\n`);
    process.exit(1);
  });
}

module.exports = { startKafka, fetchKafka, KAFKA_VERSION };
