import { randomUUID } from 'node:crypto';
import { BACKENDS, post, seedHeaders, startFlow, waitForResponse, type Flow } from './support/flow';
import { withManifests } from './support/manifests';
import { TestSubscriber } from './support/subscriber';
import { waitFor } from './support/wait';

/**
 * A prediction the predictor refuses for good (the iris model's 400 for three features) is still
 * answered with a response event, as Seldon's executor answers the request, but one that says it
 * failed: `seldonstatus` carries the predictor's status, and a Trigger can select failures alone.
 */
describe.each(BACKENDS)('failed predictions on the %s backend', (backend) => {
  const failures = new TestSubscriber();
  let flow: Flow;

  beforeAll(async () => {
    await failures.start();
    const failureTrigger = {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: 'prediction-failures', namespace: 'default' },
      spec: {
        broker: 'default',
        filter: { attributes: { type: 'seldon.iris-deployment.default.response', seldonstatus: '' } },
        subscriber: { uri: `${failures.url}/failures` },
      },
    };
    flow = await startFlow(backend, { EVENTING_MANIFESTS: withManifests([failureTrigger]) });
  });

  afterAll(async () => {
    await flow?.stop();
    failures.close();
  });

  it('marks the failed one with seldonstatus and routes only it to a Trigger on failures', async () => {
    const bad = randomUUID();
    const good = randomUUID();
    expect((await post(`${flow.entry}/`, seedHeaders({ 'Ce-Seldonpuid': bad }), '{"data":{"ndarray":[[1,2,3]]}}')).status).toBe(202);
    expect((await post(`${flow.entry}/`, seedHeaders({ 'Ce-Seldonpuid': good }), '{"data":{"ndarray":[[1,2,3,4]]}}')).status).toBe(202);

    const failed = await waitForResponse(flow, bad);
    expect(failed).toMatchObject({ type: 'seldon.iris-deployment.default.response', source: 'seldon.iris-deployment', seldonstatus: '400', path: '/api/v1.0/predictions' });
    expect(failed.data.status).toMatchObject({ code: 400, status: 'FAILURE' });
    const succeeded = await waitForResponse(flow, good);
    expect(succeeded.seldonstatus).toBeUndefined();

    await waitFor(() => failures.received.some((r) => r.headers['ce-id'] === bad), { what: 'the failure to reach the failures Trigger' });
    expect(failures.received.map((r) => r.headers['ce-id'])).toEqual([bad]);
  });
});
