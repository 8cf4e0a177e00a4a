import { KafkaJSProtocolError } from 'kafkajs';
import { beforeRejoin } from './before-rejoin';

// kafkajs's own Runner, called as its fetch loop and eachBatch handlers call it.
const Runner = require('kafkajs/src/consumer/runner') as { prototype: { heartbeat(this: unknown): Promise<void> } };

/** The slice of a Runner that its heartbeat uses, with a coordinator answering `error`. */
function runnerOf(groupId: string, error?: Error) {
  const steps: string[] = [];
  const runner = {
    heartbeatInterval: 0,
    autoCommit: false,
    autoCommitOffsets: async () => undefined,
    consumerGroup: {
      groupId,
      heartbeat: async () => {
        steps.push('heartbeat');
        if (error) throw error;
      },
    },
  };
  return { steps, heartbeat: () => Runner.prototype.heartbeat.call(runner) };
}

const rebalancing = () => new KafkaJSProtocolError({ type: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false, message: 'The group is rebalancing' } as never);

describe('beforeRejoin', () => {
  it("runs the group's hook to its end before the rebalance reaches kafkajs's rejoin", async () => {
    const { steps, heartbeat } = runnerOf('g1', rebalancing());
    const remove = beforeRejoin('g1', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      steps.push('hook done');
    });
    await expect(heartbeat()).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    expect(steps).toEqual(['heartbeat', 'hook done']);
    remove();
  });

  it('leaves other errors, other groups and healthy heartbeats alone', async () => {
    let calls = 0;
    const remove = beforeRejoin('g2', async () => void calls++);
    await runnerOf('g2').heartbeat();
    await expect(runnerOf('g2', new Error('connection closed')).heartbeat()).rejects.toThrow('connection closed');
    await expect(runnerOf('other', rebalancing()).heartbeat()).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    expect(calls).toBe(0);
    remove();
    await expect(runnerOf('g2', rebalancing()).heartbeat()).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    expect(calls).toBe(0);
  });

  it('still rejoins when the hook fails', async () => {
    const remove = beforeRejoin('g3', async () => {
      throw new Error('commit refused');
    });
    await expect(runnerOf('g3', rebalancing()).heartbeat()).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    remove();
  });
});
