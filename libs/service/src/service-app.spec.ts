import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { sendJson } from './http';
import { Readiness } from './readiness';
import { createServiceApp, listen, type ServiceApp } from './run-service';

@Module({})
class NothingModule {}

/** The shell as a service gets it: a real Nest app behind the front listener, on a real port. */
describe('a service app', () => {
  let service: ServiceApp;
  let base: string;

  beforeAll(async () => {
    service = await createServiceApp(
      NothingModule,
      { name: 'shell-test', defaultPort: 0, rawRoutes: () => [{ serves: (path) => path === '/in', handle: (req, res) => sendJson(res, 202, { got: req.body.toString() }) }] },
      { port: undefined, host: '127.0.0.1', maxBodyBytes: 16, shutdownTimeoutMs: 1000, logLevel: 'fatal', logFormat: 'text' },
    );
    await listen(service.server, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
  });
  afterAll(() => service?.app.close());

  it("serves raw routes ahead of Nest and Nest's routes behind them", async () => {
    const raw = await fetch(`${base}/in`, { method: 'POST', body: 'hello' });
    expect(raw.status).toBe(202);
    expect(await raw.json()).toEqual({ got: 'hello' });
    const health = await fetch(`${base}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', service: 'shell-test' });
  });

  it('answers an unknown path, and a POST to one, with a JSON 404 in the shape of every error', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${base}/nope`, { method, body: method === 'POST' ? 'x'.repeat(100) : undefined });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error: `Cannot ${method} /nope`, status: 404 });
    }
  });

  it('refuses a raw route a body over MAX_BODY_BYTES', async () => {
    const res = await fetch(`${base}/in`, { method: 'POST', body: 'x'.repeat(17) });
    expect(res.status).toBe(413);
  });

  it('serves Prometheus metrics at GET /metrics, the process metrics among them; other methods 405', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/^process_cpu_user_seconds_total \d/m);
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 503 with Connection: close once stopping, but still its health checks; closing the app closes the server', async () => {
    service.app.get(Readiness).markStopping();
    const refused = await fetch(`${base}/in`, { method: 'POST', body: 'late' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // A draining service is still worth watching: its metrics stay open, as the health checks do.
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    await service.app.close();
    expect(service.server.listening).toBe(false);
  });
});
