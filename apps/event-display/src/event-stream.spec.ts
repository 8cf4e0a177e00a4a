import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent } from '@seldon-eventing/cloudevents';
import { EventHistory } from './event-history';
import { EventStream } from './event-stream';

const event = (id: string, type = 'test.stream') =>
  createEvent({ id, source: 'tests/stream', type, datacontenttype: 'application/json', data: Buffer.from('{"text":"two\\nlines"}') });

/** A real HTTP server streaming `history`, and a client reading the raw SSE text. */
describe('EventStream', () => {
  let history: EventHistory;
  let stream: EventStream;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    history = new EventHistory(100);
    stream = new EventStream(history, 50);
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const last = req.headers['last-event-id'];
      stream.follow(res, { type: url.searchParams.get('type') ?? undefined }, typeof last === 'string' ? Number(last) : undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    stream.beforeApplicationShutdown();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Opens the stream; `text()` is what arrived so far. */
  async function open(path = '/', headers: Record<string, string> = {}): Promise<{ res: IncomingMessage; text: () => string; close: () => void }> {
    let received = '';
    const res = await new Promise<IncomingMessage>((resolve, reject) => request(`${base}${path}`, { headers }, resolve).on('error', reject).end());
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (received += chunk));
    return { res, text: () => received, close: () => res.destroy() };
  }

  async function until(condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('answers as an event stream and sends each new event as one message: id the sequence number, data the one-line JSON of GET /events', async () => {
    const client = await open();
    expect(client.res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(client.res.headers['cache-control']).toBe('no-cache');
    history.add(event('a'));
    await until(() => client.text().includes('id: 1\n'));
    const message = client.text().split('\n\n').find((block) => block.startsWith('id: 1'))!;
    const [idLine, dataLine, ...rest] = message.split('\n');
    expect(idLine).toBe('id: 1');
    expect(rest).toEqual([]);
    expect(JSON.parse(dataLine.slice('data: '.length))).toEqual({
      specversion: '1.0',
      type: 'test.stream',
      source: 'tests/stream',
      id: 'a',
      datacontenttype: 'application/json',
      data: { text: 'two\nlines' },
    });
    client.close();
  });

  it('sends only the events the filter takes', async () => {
    const client = await open('/?type=wanted');
    history.add(event('x', 'other'));
    history.add(event('y', 'wanted'));
    await until(() => client.text().includes('id: 2\n'));
    expect(client.text()).not.toContain('id: 1\n');
    client.close();
  });

  it('resumes after Last-Event-ID from the history, then goes on live', async () => {
    ['a', 'b', 'c'].forEach((id) => history.add(event(id)));
    const client = await open('/', { 'last-event-id': '1' });
    await until(() => client.text().includes('id: 3\n'));
    history.add(event('d'));
    await until(() => client.text().includes('id: 4\n'));
    const ids = [...client.text().matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual([2, 3, 4]);
    client.close();
  });

  it('sends a keep-alive comment while idle', async () => {
    const client = await open();
    await until(() => client.text().includes(': keep-alive\n\n'));
    client.close();
  });

  it('forgets a client that went away, and ends the open streams at shutdown', async () => {
    const gone = await open();
    const staying = await open();
    await until(() => stream.openStreams === 2);
    gone.close();
    await until(() => stream.openStreams === 1);
    const ended = new Promise((resolve) => staying.res.on('end', resolve));
    stream.beforeApplicationShutdown();
    await ended;
  });
});
