import { eventDataJson, toHttpBinary } from '@seldon-eventing/cloudevents';
import { compileFilter, type Trigger } from '@seldon-eventing/eventing';
import { buildResponseEvent, type PredictionOutcome } from './index';

/** A Trigger for failed predictions only: `seldonstatus` present, with any value. */
const failureTrigger: Trigger = { name: 'failures', namespace: 'default', broker: 'default', annotations: {}, subscriber: { uri: 'http://x/' }, filter: { attributes: { seldonstatus: '' } } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const body = Buffer.from('{"data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.03,0.01,0.96]]},"meta":{}}');
const outcome: PredictionOutcome = {
  deployment: 'iris-deployment',
  namespace: 'default',
  puid: '536808d3-88be-4077-9d7a-a3f162705f79',
  path: '/api/v1.0/predictions',
  body,
  contentType: 'application/json',
};

describe('buildResponseEvent', () => {
  it('builds the event Seldon answers with', () => {
    const event = buildResponseEvent(outcome);
    expect(event).toMatchObject({
      specversion: '0.3',
      id: '536808d3-88be-4077-9d7a-a3f162705f79',
      type: 'seldon.iris-deployment.default.response',
      source: 'seldon.iris-deployment',
      datacontenttype: 'application/json',
      extensions: { path: '/api/v1.0/predictions' },
    });
    expect(event.data).toEqual(body);
    expect(eventDataJson(event)).toEqual(JSON.parse(body.toString()));
  });

  it('has a source without the namespace', () => {
    expect(buildResponseEvent({ ...outcome, namespace: 'models' }).source).toBe('seldon.iris-deployment');
    expect(buildResponseEvent({ ...outcome, namespace: 'models' }).type).toBe('seldon.iris-deployment.models.response');
  });

  it('makes up a fresh UUID id when there is no puid', () => {
    const a = buildResponseEvent({ ...outcome, puid: undefined });
    const b = buildResponseEvent({ ...outcome, puid: '' });
    expect(a.id).toMatch(UUID);
    expect(b.id).toMatch(UUID);
    expect(a.id).not.toBe(b.id);
  });

  it('sends specversion 1.0 when asked', () => {
    const event = buildResponseEvent(outcome, { specversion: '1.0' });
    expect(event.specversion).toBe('1.0');
    expect(event.extensions.path).toBe('/api/v1.0/predictions');
  });

  it('carries the predictor path called, whatever it is', () => {
    expect(buildResponseEvent({ ...outcome, path: '/v2/models/iris/infer' }).extensions.path).toBe('/v2/models/iris/infer');
  });

  it('keeps a non-JSON body and its content type as they are', () => {
    const text = Buffer.from('plain words');
    const event = buildResponseEvent({ ...outcome, body: text, contentType: 'text/plain; charset=utf-8' });
    expect(event.datacontenttype).toBe('text/plain; charset=utf-8');
    expect(event.data).toEqual(text);
  });

  it('leaves datacontenttype out when the predictor gave none', () => {
    expect(buildResponseEvent({ ...outcome, contentType: undefined }).datacontenttype).toBeUndefined();
  });

  it('goes out in binary mode with Ce-Path, as the executor sends it', () => {
    const message = toHttpBinary(buildResponseEvent(outcome));
    const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers).toMatchObject({
      'ce-specversion': '0.3',
      'ce-id': outcome.puid,
      'ce-type': 'seldon.iris-deployment.default.response',
      'ce-source': 'seldon.iris-deployment',
      'ce-path': '/api/v1.0/predictions',
      'content-type': 'application/json',
    });
  });
});

describe('a failed prediction', () => {
  const base: PredictionOutcome = { deployment: 'iris', namespace: 'default', puid: 'p', path: '/api/v1.0/predictions', body: Buffer.from('{"status":{"code":400}}'), contentType: 'application/json' };

  it("is marked with seldonstatus, the predictor's status, so that a Trigger filter can tell it apart", () => {
    const failed = buildResponseEvent({ ...base, status: 400 });
    expect(failed.extensions).toEqual({ path: '/api/v1.0/predictions', seldonstatus: '400' });
    expect(compileFilter(failureTrigger)(failed)).toBe(true);
  });

  it('leaves a successful response exactly as Seldon sends it', () => {
    const ok = buildResponseEvent({ ...base, status: 200 });
    expect(ok.extensions).toEqual({ path: '/api/v1.0/predictions' });
    expect(compileFilter(failureTrigger)(ok)).toBe(false);
  });
});
