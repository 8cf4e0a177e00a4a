import 'reflect-metadata';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { createEvent, parseHttp, toHttpBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import { compileFilter, retryPolicy, type CompiledTrigger, type Trigger } from '@seldon-eventing/eventing';
import { DeliveryError, PublishError } from '../errors';
import type { DeliveryReceiver } from '../knative-http/delivery-receiver';
import { KnativeHttpBus } from '../knative-http/knative-http-bus';
import { ceOverrides } from '../overrides';
import { CloudEventsContext } from './cloudevents.context';
import { CloudEventsServer, connectCloudEventsServer } from './cloudevents.server';

/** What the service shell does for the receiver: read the whole body, then hand the request over. */
function serving(receiver: DeliveryReceiver): RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => receiver.handle({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], headers: req.headers, body: Buffer.concat(chunks) }, res));
  };
}

const trigger: Trigger = { name: 'my-trigger', namespace: 'default', broker: 'default', annotations: {}, subscriber: { uri: 'http://x/' } };
const compiled: CompiledTrigger = { trigger, key: 'default/my-trigger', status: { ready: true }, filter: compileFilter(trigger), retry: retryPolicy(undefined) };
const silent = { debug: () => undefined, log: () => undefined, warn: () => undefined, error: () => undefined };
const displayed: CloudEvent[] = [];

@Controller()
class Handlers {
  @MessagePattern('test.echo')
  echo(@Payload() event: CloudEvent, @Ctx() ctx: CloudEventsContext): CloudEvent {
    return createEvent({ source: 'handler', type: 'test.echoed', extensions: { trigger: ctx.getTrigger()?.trigger.name ?? 'none' }, data: event.data });
  }

  @MessagePattern('test.fail.upstream')
  async failUpstream(): Promise<never> {
    throw new DeliveryError(502, 'the model failed', Buffer.from('{"status":{"code":500,"info":"model exploded"}}'), 'application/json');
  }

  @MessagePattern('test.fail.*')
  async fail(@Payload() event: CloudEvent): Promise<never> {
    throw new DeliveryError(event.type.endsWith('retry') ? 503 : 422, `cannot handle ${event.id}`);
  }

  @EventPattern('test.display.*')
  display(@Payload() event: CloudEvent): CloudEvent {
    displayed.push(event);
    // An event handler never replies, whatever it returns.
    return createEvent({ source: 'handler', type: 'test.not.a.reply' });
  }

  @MessagePattern('test.*')
  sink(): void {
    // Accepted, no reply.
  }
}

@Module({ controllers: [Handlers] })
class TestModule {}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function deliver(base: string, path: string, event: CloudEvent) {
  const message = toHttpBinary(event);
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: message.headers, body: message.body });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('the NestJS custom transport over the knative-http bus', () => {
  let app: INestApplication;
  let bus: KnativeHttpBus;
  let subscriber: Server;
  let broker: Server;
  let base: string;
  const published: IncomingMessage[] = [];
  let brokerStatus = 202;

  beforeAll(async () => {
    broker = createServer((req, res) => {
      published.push(req);
      req.resume();
      req.on('end', () => res.writeHead(brokerStatus, { 'content-type': 'application/json' }).end(brokerStatus === 202 ? '' : '{"error":"no such broker"}'));
    });
    const sink = new URL(`${await listen(broker)}/default/default`);
    bus = new KnativeHttpBus({ sink, overrides: ceOverrides('{"extensions":{"origin":"test"}}'), publishTimeoutMs: 2000 });
    app = await NestFactory.create(TestModule, { logger: false });
    connectCloudEventsServer(app, new CloudEventsServer(bus, [compiled], silent));
    await app.startAllMicroservices();
    await app.init();
    subscriber = createServer(serving(bus.receiver));
    base = await listen(subscriber);
  });

  afterAll(async () => {
    await app.close();
    subscriber.close();
    broker.close();
  });

  it('routes a delivery to the handler of its type and answers with the reply event, overrides applied', async () => {
    const event = createEvent({ source: 'test', type: 'test.echo', data: { n: 1 } });
    const res = await deliver(base, '/triggers/default/my-trigger', event);
    expect(res.status).toBe(200);
    const [reply] = parseHttp({ headers: res.headers, body: res.body });
    expect(reply).toMatchObject({ type: 'test.echoed', source: 'handler', extensions: { trigger: 'my-trigger', origin: 'test' } });
    expect(JSON.parse(reply.data!.toString())).toEqual({ n: 1 });
  });

  it('calls an @EventPattern handler and never replies with what it returns', async () => {
    const event = createEvent({ source: 's', type: 'test.display.one' });
    expect((await deliver(base, '/', event)).status).toBe(202);
    expect(displayed.map((e) => e.id)).toEqual([event.id]);
  });

  it('answers 202 when the handler has no reply, and for types no handler matches', async () => {
    expect((await deliver(base, '/', createEvent({ source: 's', type: 'test.quiet' }))).status).toBe(202);
    expect((await deliver(base, '/', createEvent({ source: 's', type: 'other.type' }))).status).toBe(202);
  });

  it("answers a DeliveryError's status with its reason", async () => {
    const res = await deliver(base, '/', createEvent({ source: 's', type: 'test.fail.retry' }));
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body.toString()).error).toMatch(/cannot handle/);
    expect((await deliver(base, '/', createEvent({ source: 's', type: 'test.fail.never' }))).status).toBe(422);
  });

  it("answers with the body of what failed behind the handler, for the broker's dead letter", async () => {
    const res = await deliver(base, '/', createEvent({ source: 's', type: 'test.fail.upstream' }));
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.toString()).toBe('{"status":{"code":500,"info":"model exploded"}}');
  });

  it('refuses what is not an event, and unknown trigger paths', async () => {
    const notEvent = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(notEvent.status).toBe(400);
    expect(((await notEvent.json()) as { error: string }).error).toMatch(/CloudEvent|specversion/);
    expect((await deliver(base, '/triggers/default/unknown', createEvent({ source: 's', type: 'test.echo' }))).status).toBe(404);
  });

  it('publishes to K_SINK, or to another broker next to it, and maps broker refusals', async () => {
    const event = createEvent({ source: 'client', type: 'test.published' });
    await bus.publish(event);
    const last = published[published.length - 1];
    expect(last.url).toBe('/default/default');
    expect(last.headers).toMatchObject({ 'ce-id': event.id, 'ce-origin': 'test' });

    await bus.publish(event, { namespace: 'team', name: 'other' });
    expect(published[published.length - 1].url).toBe('/team/other');

    brokerStatus = 404;
    await expect(bus.publish(event)).rejects.toEqual(new PublishError(404, 'no such broker'));
    brokerStatus = 202;
  });

  it('drains: refuses new deliveries with 503 once closing', async () => {
    const local = new KnativeHttpBus({ sink: new URL('http://127.0.0.1:1/'), overrides: ceOverrides(undefined), publishTimeoutMs: 100 });
    await local.listen([], async () => undefined);
    await local.close();
    const server = createServer(serving(local.receiver));
    const url = await listen(server);
    expect((await deliver(url, '/', createEvent({ source: 's', type: 't' }))).status).toBe(503);
    server.close();
  });
});
