import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
  path: string;
}

/** A real HTTP subscriber for tests: records every request and answers as told. */
export class TestSubscriber {
  readonly received: Received[] = [];
  private server?: Server;
  url = '';

  constructor(private respond: (req: Received, res: ServerResponse) => void = (_r, res) => res.writeHead(202).end()) {}

  /** Listens on `port`; 0 (the default) lets the system choose one. */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const received = { headers: req.headers, body: Buffer.concat(chunks), at: Date.now(), path: req.url ?? '/' };
        this.received.push(received);
        this.respond(received, res);
      });
    });
    await new Promise<void>((r) => (this.server as Server).listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  answerWith(respond: (req: Received, res: ServerResponse) => void): void {
    this.respond = respond;
  }

  /** Resolves once `count` requests have arrived, with every request received so far. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<Received[]> {
    await waitFor(() => this.received.length >= count, { what: () => `${count} requests at ${this.url} (got ${this.received.length})`, timeoutMs });
    return this.received;
  }

  close(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}
