import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent } from '@seldon-eventing/cloudevents';
import { KnativeHttpBus } from './knative-http-bus';

const event = createEvent({ id: 'e1', source: 'test', type: 'seldon.iris.default.request' });

/** A port that nothing listens on: one a server had, closed again. */
async function freedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('KnativeHttpBus reachability', () => {
  let broker: Server | undefined;
  afterEach(() => broker?.close());

  it('after a publish finds the broker unreachable, refuses at once naming the cause, and is ready again once the broker answers', async () => {
    const port = await freedPort();
    const bus = new KnativeHttpBus({ sink: new URL(`http://127.0.0.1:${port}/default/default`), overrides: (e) => e, publishTimeoutMs: 5_000 });
    expect(bus.waitingFor()).toEqual([]);
    await expect(bus.publish(event)).rejects.toMatchObject({ status: 503, message: expect.stringContaining('ECONNREFUSED') });
    expect(bus.waitingFor()).toEqual([`broker http://127.0.0.1:${port} unreachable: ECONNREFUSED`]);
    await expect(bus.publish(event)).rejects.toMatchObject({ status: 503, message: `broker http://127.0.0.1:${port} unreachable: ECONNREFUSED` });

    broker = createServer((_req, res) => res.writeHead(202).end());
    await new Promise<void>((resolve) => broker?.listen(port, '127.0.0.1', resolve));
    const deadline = Date.now() + 5_000;
    while (bus.waitingFor().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bus.waitingFor()).toEqual([]);
    await expect(bus.publish(event)).resolves.toBeUndefined();
    await bus.close();
  });
});
