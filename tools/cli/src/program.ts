import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { eventJson, formatEvent, parseHttp, STRUCTURED_CONTENT_TYPE, type CloudEvent, type SpecVersion } from '@seldon-eventing/cloudevents';
import { withoutDeadLetterExtensions } from '@seldon-eventing/eventing';
import { isDns1123Label, requestType } from '@seldon-eventing/seldon';
import { brokerTopic, parseBrokerRef } from '@seldon-eventing/transport';
import { SettingsError } from '@seldon-eventing/settings';
import { cliSettings } from './cli.settings';
import { followDisplayStream } from './display-stream';
import { localEndpoints, httpUrl, resolveTarget, type Endpoints } from './endpoints';
import { composeEvent, type SendMode } from './event-input';
import type { EventFeed, EventFilter, OnEvent } from './event-feed';
import { CliError, EXIT, networkReason, usageError } from './exit-codes';
import { followTopic, readTopic, type KafkaOptions } from './kafka-feed';
import { accepted, postEvent } from './post-event';
import { failedStatus, predictionRows, responseBody, responseFilter } from './prediction';
import { colorsFor, predictionTable, Progress } from './terminal';

/** What a run writes to and reads from: the process's, or a test's. */
export interface Io {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

const TARGET_HELP = '`broker` (the embedded broker, BROKER_PORT), `ingress` (the ingress-adapter, INGRESS_ADAPTER_PORT; both backends) or a URL';

const positiveInt = (flag: string) => (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive whole number`);
  return n;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
const brokerList = (text: string) => text.split(',').map((b) => b.trim()).filter(Boolean);

/** The options of every command that sends: where, how, with what credentials. */
function sendingOptions(command: Command, defaultTo: string): Command {
  return command
    .addOption(new Option('--to <target>', `where to send: ${TARGET_HELP}`).default(defaultTo))
    .addOption(new Option('--mode <mode>', 'HTTP content mode: binary (ce- headers) or structured (application/cloudevents+json)').choices(['binary', 'structured']).default('binary'))
    .option('--token <token>', 'bearer token for a broker or ingress that requires one (default: INGRESS_AUTH_TOKEN)');
}

/** The feed `watch` and `predict` follow: event-display's stream, or the broker topic with --kafka. */
function openFeed(opts: { kafka?: string[]; broker: string; display?: string }, endpoints: Endpoints, filter: EventFilter, onEvent: OnEvent, io: Io): Promise<EventFeed> {
  const warn = (message: string) => io.stderr.write(`seldon-eventing: ${message}\n`);
  if (opts.kafka) {
    const kafka: KafkaOptions = { brokers: opts.kafka, env: io.env, warn };
    return followTopic(brokerTopic(parseBrokerRef(opts.broker)), filter, onEvent, kafka);
  }
  return followDisplayStream(opts.display ? httpUrl(opts.display, '--display').href : endpoints.display, filter, onEvent, { warn });
}

function feedOptions(command: Command): Command {
  return command
    .option('--display <url>', "event-display's address, whose /events/stream is followed (default: 127.0.0.1:EVENT_DISPLAY_PORT)")
    .option('--kafka <brokers>', 'read the broker topic straight from Kafka instead (host:port,...; kafka backend)', brokerList)
    .option('--broker <namespace/name>', 'the broker whose topic --kafka reads', 'default/default');
}

/** The events a replay file holds: JSON lines (`watch --json`, event-display's /events entries), one structured-mode event each. */
export function readEventLines(file: string): CloudEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`--file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return text
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, n]) => {
      try {
        return parseHttp({ headers: { 'content-type': STRUCTURED_CONTENT_TYPE }, body: Buffer.from(line) })[0];
      } catch (err) {
        throw usageError(`${file}:${n}: not a CloudEvent in JSON (${(err as Error).message})`);
      }
    });
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const endpoints = localEndpoints(io.env);
  const { noColor } = cliSettings.read(io.env);
  const out = (text: string) => io.stdout.write(`${text}\n`);
  const colors = colorsFor(io.stdout, noColor);
  const tokenOf = (opts: { token?: string }) => opts.token ?? endpoints.token;

  const program = new Command('seldon-eventing')
    .description('Send CloudEvents, wait for predictions, watch the flow, list Triggers and replay dead letters of seldon-eventing.')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError('(--help shows every flag)')
    .addHelpText(
      'after',
      `\nExit codes: 0 ok, 1 prediction failed or a replay left failures, 2 usage, 3 timeout, 4 unreachable, 5 the target answered non-2xx.\nAddresses default to this machine's services (BROKER_PORT, INGRESS_ADAPTER_PORT, EVENT_DISPLAY_PORT, PREDICTOR_ROUTER_PORT).`,
    );

  sendingOptions(
    program
      .command('send')
      .description('Send one CloudEvent, like `kn event send`; prints the answer status, and the body of a refusal (exit 5).')
      .requiredOption('--type <type>', 'the event type, e.g. seldon.iris-deployment.default.request')
      .option('--source <source>', 'the event source', 'seldon-eventing.cli')
      .option('--id <id>', 'the event id (default: a new UUID)')
      .option('--data <json|@file>', 'JSON data, inline or @ a file holding it')
      .addOption(new Option('--specversion <version>', 'CloudEvents spec version').choices(['0.3', '1.0']).default('1.0'))
      .option('--ext <key=value>', 'an extension attribute (repeatable)', collect),
    'broker',
  ).action(async (opts) => {
    const event = composeEvent({ ...opts, specversion: opts.specversion as SpecVersion });
    const url = resolveTarget(opts.to, endpoints);
    const answer = await postEvent(url, event, { mode: opts.mode as SendMode, token: tokenOf(opts) });
    out(`${answer.status} ${url} id=${event.id}`);
    if (!accepted(answer)) {
      if (answer.body) out(answer.body);
      setExit(EXIT.refused);
    }
  });

  feedOptions(
    sendingOptions(
      program
        .command('predict')
        .argument('<deployment>', 'the SeldonDeployment to ask')
        .description('Send a request event to a deployment and wait for its own response event (correlated by Seldon-Puid); prints the prediction.')
        .option('-n, --namespace <namespace>', "the deployment's namespace", 'default')
        .requiredOption('--data <json|@file>', 'the request body in the deployment\'s protocol, e.g. {"data":{"ndarray":[[1,2,3,4]]}}')
        .option('--puid <puid>', 'the Seldon-Puid, which becomes the response id (default: a new UUID)')
        .addOption(new Option('--specversion <version>', 'CloudEvents spec version of the request').choices(['0.3', '1.0']).default('1.0'))
        .option('--timeout <seconds>', 'how long to wait for the response (exit 3 after)', positiveInt('--timeout'), 30)
        .option('--json', 'print the response data as JSON instead of a table'),
      'ingress',
    ),
  ).action(async (deployment: string, opts) => {
    if (!isDns1123Label(deployment) || !isDns1123Label(opts.namespace)) throw usageError('the deployment and namespace must be DNS-1123 labels (lower-case letters, digits, -)');
    const name = { deployment, namespace: opts.namespace as string };
    const puid: string = opts.puid ?? randomUUID();
    const request = composeEvent({ type: requestType(name), source: 'seldon-eventing.cli', id: puid, data: opts.data, specversion: opts.specversion, extensions: { seldonpuid: puid } });
    let answered!: (event: CloudEvent) => void;
    const response = new Promise<CloudEvent>((resolve) => (answered = resolve));
    // Following before sending: a fast answer cannot slip past.
    const feed = await openFeed(opts, endpoints, responseFilter(name, puid), (event) => answered(event), io);
    try {
      const url = resolveTarget(opts.to, endpoints);
      const answer = await postEvent(url, request, { mode: opts.mode as SendMode, token: tokenOf(opts) });
      if (!accepted(answer)) throw new CliError(`${url} answered ${answer.status}: ${answer.body}`, EXIT.refused);
      const timedOut = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), opts.timeout * 1000).unref());
      const event = await Promise.race([response, timedOut]);
      if (!event) throw new CliError(`no response to puid ${puid} within ${opts.timeout} s`, EXIT.timeout);
      const body = responseBody(event);
      const status = failedStatus(event);
      const rows = status ? undefined : predictionRows(body);
      if (opts.json || !rows) out(JSON.stringify(body, null, opts.json ? undefined : 2));
      else out(predictionTable(rows, colors));
      if (status) {
        io.stderr.write(`seldon-eventing: the prediction failed: the predictor answered ${status} (puid ${puid})\n`);
        setExit(EXIT.failed);
      }
    } finally {
      await feed.close();
    }
  });

  feedOptions(
    program
      .command('watch')
      .description('Follow events as event-display prints them (or as JSON lines with --json), until Ctrl-C or --count.')
      .option('--type <type>', 'only events of this type')
      .option('--source <source>', 'only events from this source')
      .option('--id <id>', 'only events with this id')
      .option('--json', 'one JSON object a line (the CloudEvents JSON format) instead of event-display\'s text')
      .option('--count <n>', 'stop after this many events', positiveInt('--count')),
  ).action(async (opts) => {
    const stop = new AbortController();
    let seen = 0;
    const onEvent = (event: CloudEvent) => {
      if (stop.signal.aborted) return;
      out(opts.json ? JSON.stringify(eventJson(event)) : `${colors.cyan(formatEvent(event))}\n`);
      if (opts.count && ++seen >= opts.count) stop.abort();
    };
    const feed = await openFeed(opts, endpoints, { type: opts.type, source: opts.source, id: opts.id }, onEvent, io);
    const interrupt = () => stop.abort();
    process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
    await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
    await feed.close();
  });

  program
    .command('triggers')
    .description("List the loaded Triggers: filters, resolved subscribers, who serves them, ready or why not (a service's GET /triggers).")
    .option('--from <url>', 'the service to ask (default: the predictor-router, PREDICTOR_ROUTER_PORT)')
    .option('--json', 'print the listing as JSON')
    .action(async (opts) => {
      const url = `${opts.from ? httpUrl(opts.from, '--from').href.replace(/\/$/, '') : endpoints.triggers}/triggers`;
      let res: Response;
      try {
        res = await fetch(url);
      } catch (err) {
        throw new CliError(`cannot reach ${url}: ${networkReason(err)}`, EXIT.unreachable);
      }
      if (!res.ok) throw new CliError(`${url} answered ${res.status}: ${await res.text()}`, EXIT.refused);
      const triggers = (await res.json()) as Record<string, any>[];
      if (opts.json) {
        out(JSON.stringify(triggers, null, 2));
        return;
      }
      for (const t of triggers) {
        const status = t.ready ? colors.green('ready') : colors.red(`not ready: ${t.reason ?? ''}`);
        out(`${colors.bold(`${t.namespace}/${t.name}`)} (broker ${t.broker}) ${status}`);
        out(`  filter      ${JSON.stringify(t.filters ?? t.filter ?? {})}`);
        out(`  subscriber  ${t.subscriber ?? '-'}`);
        out(`  served by   ${t.servedBy ?? '-'}`);
        if (t.delivery) out(`  delivery    ${JSON.stringify(t.delivery)}`);
      }
    });

  sendingOptions(
    program
      .command('replay')
      .description('Re-send dead letters, without their knativeerror* extensions, from a JSON-lines file or a Kafka dead-letter topic.')
      .option('--file <file>', 'JSON lines, one event each (as `watch --json` prints them)')
      .option('--topic <topic>', 'a dead-letter topic (a KafkaSink\'s) to read every event of; needs --kafka')
      .option('--kafka <brokers>', 'Kafka bootstrap servers for --topic (host:port,...)', brokerList),
    'broker',
  ).action(async (opts) => {
    if (Boolean(opts.file) === Boolean(opts.topic)) throw usageError('replay needs one of --file or --topic');
    if (opts.topic && !opts.kafka) throw usageError('--topic needs --kafka');
    const url = resolveTarget(opts.to, endpoints);
    const warn = (message: string) => io.stderr.write(`seldon-eventing: ${message}\n`);
    const letters = opts.file ? readEventLines(opts.file) : await readTopic(opts.topic, { brokers: opts.kafka, env: io.env, warn });
    const progress = new Progress(io.stderr, letters.length, 'replaying');
    let failed = 0;
    for (const [i, letter] of letters.entries()) {
      const answer = await postEvent(url, withoutDeadLetterExtensions(letter), { mode: opts.mode as SendMode, token: tokenOf(opts) });
      if (!accepted(answer)) {
        failed++;
        warn(`${letter.id}: ${url} answered ${answer.status}: ${answer.body}`);
      }
      progress.update(i + 1, failed);
    }
    progress.end();
    out(`replayed ${letters.length - failed} of ${letters.length} to ${url}`);
    if (failed > 0) setExit(EXIT.failed);
  });

  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  try {
    await buildProgram(io, (code) => (exitCode = code)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof CliError) {
      io.stderr.write(`seldon-eventing: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof SettingsError) {
      io.stderr.write(`seldon-eventing: ${err.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`seldon-eventing: ${(err as Error).stack ?? err}\n`);
    return EXIT.failed;
  }
  return exitCode;
}
