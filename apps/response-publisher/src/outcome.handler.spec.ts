import { outcomeEvent } from '@seldon-eventing/seldon';
import { OutcomeHandler } from './outcome.handler';

describe('OutcomeHandler', () => {
  it("turns a prediction outcome into Seldon's standardized response event", () => {
    const outcome = outcomeEvent({
      deployment: 'iris-deployment',
      namespace: 'default',
      puid: 'puid-1',
      path: '/api/v1.0/predictions',
      status: 200,
      body: Buffer.from('{"data":{"ndarray":[[0.1,0.2,0.7]]}}'),
      contentType: 'application/json',
    });
    const response = new OutcomeHandler().publish(outcome);
    expect(response).toMatchObject({
      specversion: '0.3',
      id: 'puid-1',
      type: 'seldon.iris-deployment.default.response',
      source: 'seldon.iris-deployment',
      extensions: { path: '/api/v1.0/predictions' },
    });
    expect(JSON.parse(String(response.data))).toEqual({ data: { ndarray: [[0.1, 0.2, 0.7]] } });
  });

  it("carries the predictor's answer as the very bytes it received: not parsed, not copied", () => {
    // Not even valid UTF-8: the response-publisher never reads the prediction.
    const body = Buffer.concat([Buffer.from('{"data":{"ndarray":[[0.10, 2E-1,0.7]]} '), Buffer.from([0xff, 0xfe])]);
    const outcome = outcomeEvent({ deployment: 'iris-deployment', namespace: 'default', puid: 'p', path: '/api/v1.0/predictions', status: 200, body, contentType: 'application/json' });
    const response = new OutcomeHandler().publish(outcome);
    expect(response.data).toBe(outcome.data);
    expect(response.data?.equals(body)).toBe(true);
  });
});

describe('OutcomeHandler with a failed prediction', () => {
  it("marks the response with the predictor's status", () => {
    const outcome = outcomeEvent({ deployment: 'iris-deployment', namespace: 'default', puid: 'p', path: '/api/v1.0/predictions', status: 400, body: Buffer.from('{}'), contentType: 'application/json' });
    expect(new OutcomeHandler().publish(outcome).extensions).toEqual({ path: '/api/v1.0/predictions', seldonstatus: '400' });
  });
});
