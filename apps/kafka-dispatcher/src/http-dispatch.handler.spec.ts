import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, toHttpBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import { compileFilter, retryPolicy, type CompiledTrigger, type Trigger } from '@seldon-eventing/eventing';
import { CloudEventsContext } from '@seldon-eventing/transport';
import { HttpDispatchHandler } from './http-dispatch.handler';

describe('HttpDispatchHandler', () => {
  let server: Server;
  let compiled: CompiledTrigger;
  let answer: (res: ServerResponse) => void;
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const trigger: Trigger = { name: 'mine', namespace: 'team', broker: 'default', annotations: {}, subscriber: { uri: 'http://my-app.team.svc.cluster.local/' } };
    compiled = { trigger, key: 'team/mine', status: { ready: true }, filter: compileFilter(trigger), retry: retryPolicy(undefined), subscriber: new URL(trigger.subscriber.uri as string), localSubscriber: url };
  });
  afterAll(() => server.close());

  const event = createEvent({ id: 'e1', source: 'test', type: 'my.type' });
  const deliver = (e: CloudEvent, trigger: CompiledTrigger | undefined = compiled) => new HttpDispatchHandler().deliver(e, new CloudEventsContext([e, { trigger, attempt: 1 }]));

  it("POSTs the event to the Trigger's subscriber as Knative does, and returns its reply event", async () => {
    const reply = toHttpBinary(createEvent({ id: 'r1', source: 'my-app', type: 'my.reply' }));
    answer = (res) => res.writeHead(200, reply.headers).end(reply.body);
    await expect(deliver(event)).resolves.toMatchObject({ id: 'r1', type: 'my.reply' });
    expect(seen.at(-1)).toMatchObject({ 'ce-id': 'e1', prefer: 'reply', 'kn-namespace': 'team' });
  });

  it("fails with the subscriber's status and body, which decide retry and knativeerrordata", async () => {
    answer = (res) => res.writeHead(503).end('busy');
    await expect(deliver(event)).rejects.toMatchObject({ status: 503, body: Buffer.from('busy') });
  });

  it('fails for good when the event comes without a Trigger it can deliver to', async () => {
    await expect(deliver(event, { ...compiled, localSubscriber: undefined })).rejects.toMatchObject({ status: 500 });
  });
});
