import { printedIds, troubleIn, startFlow, type Flow, type ServiceHandle } from './support/flow';
import { sendStream } from './support/stream';
import { awaitDeliveries } from './support/tally';
import { waitFor } from './support/wait';
const { SERVICES, ServiceProcess } = require('../../tools/run/services.js');

const RESPONSE = 'seldon.iris-deployment.default.response';
const RUNS = 5;
const EVENTS = 300;

/**
 * Ordinary scaling of the kafka backend: predictor-routers added and removed while events flow.
 * Each run starts with two routers in the Trigger's consumer group, adds a third when a third of
 * the events are accepted and stops the oldest gracefully at two thirds. Members that stay up
 * commit their finished work when the rebalance starts and resume where they were on the
 * partitions they keep; a member that leaves commits before it goes: nothing is delivered twice.
 */
describe('scaling the predictor-router on the kafka backend', () => {
  let flow: Flow;
  /** Three router processes on ports of their own; two run at any time between runs. */
  let pool: ServiceHandle[];
  let running: ServiceHandle[];

  beforeAll(async () => {
    flow = await startFlow('kafka');
    const router = SERVICES.find((s: { name: string }) => s.name === 'predictor-router');
    const output = (name: string, line: string) => flow.logs.push(`${name} | ${line}`);
    const at = (offset: number): ServiceHandle => new ServiceProcess(router, { ...flow.env, PREDICTOR_ROUTER_PORT: String(Number(flow.env.PREDICTOR_ROUTER_PORT) + offset) }, output);
    pool = [flow.services['predictor-router'], at(4), at(5)];
    running = [pool[0], await pool[1].start()];
  });

  afterAll(async () => {
    for (const router of pool) await router.stop();
    await flow?.stop();
  });

  it.each(Array.from({ length: RUNS }, (_v, i) => i + 1))(`run %i: ${EVENTS} events, a router added and one stopped gracefully mid-stream: none lost, none twice`, async (run) => {
    const added = pool.find((router) => !running.includes(router)) as ServiceHandle;
    const stream = sendStream(`${flow.entry}/`, { count: EVENTS, paceMs: 5 });
    await waitFor(() => stream.accepted.size >= EVENTS / 3, { what: 'a third of the events to be accepted' });
    await added.start();
    running.push(added);
    await waitFor(() => stream.accepted.size >= (2 * EVENTS) / 3, { what: 'two thirds of the events to be accepted' });
    const oldest = running.shift() as ServiceHandle;
    await oldest.stop();
    await stream.done;

    const tally = await awaitDeliveries(`routers scaled, run ${run}`, stream.sent, stream.accepted, () => printedIds(flow, RESPONSE), 60_000, () => troubleIn(flow));
    expect(stream.refused).toEqual([]);
    expect(tally).toMatchObject({ accepted: EVENTS, lost: 0, duplicated: 0 });
  });
});
