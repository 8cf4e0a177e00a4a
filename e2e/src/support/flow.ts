import { randomUUID } from 'node:crypto';
import { FLOW_MANIFESTS } from './manifests';
import { waitFor } from './wait';
const { startServices, stopServices } = require('../../../tools/run/services.js');

export type Backend = 'knative' | 'kafka';

/** Which backends the matrix runs: E2E_BACKENDS=knative,kafka (default both). */
export const BACKENDS: Backend[] = ((process.env.E2E_BACKENDS ?? 'knative,kafka').split(',') as Backend[]).filter((b) =>
  ['knative', 'kafka'].includes(b),
);

export interface ServiceHandle {
  url: string;
  port: number;
  pid: number;
  /** True while the process runs. */
  alive: boolean;
  start(readyTimeoutMs?: number): Promise<ServiceHandle>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface Flow {
  backend: Backend;
  env: NodeJS.ProcessEnv;
  services: Record<string, ServiceHandle>;
  /** Where clients send CloudEvents: the broker on knative, the ingress adapter on kafka. */
  entry: string;
  ingress: string;
  display: string;
  logs: string[];
  stop(): Promise<void>;
}

/** E2E_PORT_OFFSET shifts every port the suites use, so two checkouts can run them at once. */
export const PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);

export const PORT_BASE: Record<Backend, number> = { knative: 18000 + PORT_OFFSET, kafka: 28000 + PORT_OFFSET };

/** The ports of a backend's flow in the suites, as the services' port variables. */
export function flowPorts(backend: Backend): Record<string, string> {
  const base = PORT_BASE[backend];
  return {
    BROKER_PORT: String(base + 80),
    INGRESS_ADAPTER_PORT: String(base + 81),
    PREDICTOR_ROUTER_PORT: String(base + 82),
    RESPONSE_PUBLISHER_PORT: String(base + 83),
    EVENT_DISPLAY_PORT: String(base + 84),
    MODEL_SERVER_PORT: String(base + 90),
  };
}

/**
 * Starts every service of a backend on ports of its own, so runs do not collide with `npm start`;
 * each ready before the next unless `waitReady` is false.
 */
export async function startFlow(backend: Backend, extraEnv: NodeJS.ProcessEnv = {}, { waitReady = true } = {}): Promise<Flow> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EVENTING_TRANSPORT: backend,
    ...flowPorts(backend),
    EVENTING_MANIFESTS: FLOW_MANIFESTS,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...extraEnv,
  };
  const logs: string[] = [];
  const output = (name: string, line: string) => {
    logs.push(`${name} | ${line}`);
    if (process.env.E2E_VERBOSE) process.stdout.write(`${name} | ${line}\n`);
  };
  const services: Record<string, ServiceHandle> = await startServices({ env, backend, output, waitReady });
  const ingress = services['ingress-adapter'].url;
  return {
    backend,
    env,
    services,
    entry: backend === 'knative' ? services.broker.url : ingress,
    ingress,
    display: services['event-display'].url,
    logs,
    stop: () => stopServices(services),
  };
}

/** A service's /readyz: its status and what it says it waits for. */
export async function readinessOf(url: string): Promise<{ status: number; waitingFor: string[] }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, waitingFor: ((await res.json()) as { waitingFor: string[] }).waitingFor };
}

export const SEED_PAYLOAD = '{"data": { "ndarray": [[1,2,3,4]]}}';

/** The seed's curl: a 0.3 binary-mode request event. */
export function seedHeaders(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'Ce-Id': randomUUID(),
    'Ce-specversion': '0.3',
    'Ce-Type': 'seldon.iris-deployment.default.request',
    'Ce-Source': 'seldon.examples.streaming.curl',
    'Content-Type': 'application/json',
    ...overrides,
  };
}

export async function post(url: string, headers: Record<string, string>, body: string | Buffer): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

export type DisplayedEvent = Record<string, any>;

export async function displayed(flow: Flow, query = ''): Promise<DisplayedEvent[]> {
  const res = await fetch(`${flow.display}/events${query}`);
  return (await res.json()) as DisplayedEvent[];
}

/** Polls event-display until `predicate` holds for its events, or fails with what it saw. */
export async function waitForDisplayed(
  flow: Flow,
  predicate: (events: DisplayedEvent[]) => boolean,
  timeoutMs = 20_000,
  query = '',
): Promise<DisplayedEvent[]> {
  let events: DisplayedEvent[] = [];
  await waitFor(async () => predicate((events = await displayed(flow, query))), {
    what: () => `event-display to show the expected events; it shows ${JSON.stringify(events).slice(0, 2000)}\nlogs:\n${flow.logs.slice(-40).join('\n')}`,
    timeoutMs,
    intervalMs: 50,
  });
  return events;
}

/** Waits for the response event whose id is `puid` (the Seldon-Puid the request carried). */
export async function waitForResponse(flow: Flow, puid: string, timeoutMs = 20_000): Promise<DisplayedEvent> {
  const [event] = await waitForDisplayed(flow, (events) => events.length > 0, timeoutMs, `?id=${encodeURIComponent(puid)}`);
  return event;
}

/**
 * The ids of the events of `type` that event-display has printed, repeats included, across all
 * its runs: unlike GET /events, its output survives a restart of the process.
 */
export function printedIds(flow: Flow, type: string): string[] {
  const ids: string[] = [];
  let current: string | undefined;
  for (const line of flow.logs) {
    if (!line.startsWith('event-display | ')) continue;
    const text = line.slice('event-display | '.length);
    if (text === '☁️  cloudevents.Event') current = undefined;
    else if (text.startsWith('  type: ')) current = text.slice('  type: '.length);
    else if (text.startsWith('  id: ') && current === type) ids.push(text.slice('  id: '.length));
  }
  return ids;
}

/** The services' warnings and errors (event-display's printed events left out), the last `count`: why events went missing. */
export function troubleIn(flow: Flow, count = 60): string {
  const lines = flow.logs.filter((line) => !line.startsWith('event-display | ') && /\b(warn|error)\b/i.test(line));
  return `last ${Math.min(count, lines.length)} of ${lines.length} warnings and errors:\n${lines.slice(-count).join('\n')}`;
}

export async function clearDisplay(flow: Flow): Promise<void> {
  await fetch(`${flow.display}/events`, { method: 'DELETE' });
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What the seed scenario promises of a response event. */
export function expectSeedResponse(event: DisplayedEvent, path = '/api/v1.0/predictions'): void {
  expect(event.specversion).toBe('0.3');
  expect(event.type).toBe('seldon.iris-deployment.default.response');
  expect(event.source).toBe('seldon.iris-deployment');
  expect(event.id).toMatch(UUID);
  expect(event.path).toBe(path);
  expect(event.datacontenttype).toMatch(/^application\/json/);
  const names: string[] = event.data.data.names;
  const [probabilities]: number[][] = event.data.data.ndarray;
  expect(names).toEqual(['t:0', 't:1', 't:2']);
  expect(probabilities).toHaveLength(3);
  expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  expect(names[probabilities.indexOf(Math.max(...probabilities))]).toBe('t:2');
}
