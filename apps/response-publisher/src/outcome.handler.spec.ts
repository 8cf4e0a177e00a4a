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
});

describe('OutcomeHandler with a failed prediction', () => {
  it("marks the response with the predictor's status", () => {
    const outcome = outcomeEvent({ deployment: 'iris-deployment', namespace: 'default', puid: 'p', path: '/api/v1.0/predictions', status: 400, body: Buffer.from('{}'), contentType: 'application/json' });
    expect(new OutcomeHandler().publish(outcome).extensions).toEqual({ path: '/api/v1.0/predictions', seldonstatus: '400' });
  });
});
