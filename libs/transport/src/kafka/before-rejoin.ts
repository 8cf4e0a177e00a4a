/**
 * A partitions-revoked callback for kafkajs.
 *
 * The Java consumer calls `ConsumerRebalanceListener#onPartitionsRevoked` after it learns that
 * its group rebalances and before it rejoins; eventing-kafka-broker's consumer commits there, in
 * the old generation, which is the last moment the group still takes this member's commits.
 * kafkajs 2.2.4 (its last release) has no such callback: it learns of a rebalance only from a
 * heartbeat refused with REBALANCE_IN_PROGRESS (`Runner#heartbeat`, also behind the `heartbeat`
 * an eachBatch handler is given) and rejoins at once, so records still in flight finished after
 * the new generation, their commits were refused, and the partitions' next owners delivered
 * them again. This wraps that one method so that a group's hook runs, and is awaited, before
 * kafkajs rejoins.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's internals have no typings or exports map entries */
const { isRebalancing } = require('kafkajs/src/errors') as { isRebalancing(err: unknown): boolean };
const Runner = require('kafkajs/src/consumer/runner') as { prototype: { heartbeat?: RunnerHeartbeat } };
/* eslint-enable @typescript-eslint/no-require-imports */

type RunnerHeartbeat = (this: { consumerGroup?: { groupId: string } }) => Promise<void>;

/** Per consumer group of this process, what runs before it rejoins. */
const hooks = new Map<string, () => Promise<void>>();
let installed = false;

function install(): void {
  if (installed) return;
  const heartbeat = Runner.prototype.heartbeat;
  // Refuse to start rather than let duplicates come back silently after a kafkajs upgrade.
  if (typeof heartbeat !== 'function' || typeof isRebalancing !== 'function') {
    throw new Error('kafkajs has no Runner#heartbeat: the rebalance hook (before-rejoin.ts) is written against kafkajs 2.2.4');
  }
  Runner.prototype.heartbeat = async function (this: ThisParameterType<RunnerHeartbeat>) {
    try {
      await heartbeat.call(this);
    } catch (err) {
      const hook = isRebalancing(err) ? hooks.get(this.consumerGroup?.groupId ?? '') : undefined;
      if (hook) await hook().catch(() => undefined);
      throw err;
    }
  };
  installed = true;
}

/**
 * Runs `hook` each time the consumers of `groupId` in this process learn that the group
 * rebalances, before they rejoin it. The group waits for a member up to its rebalance timeout,
 * so the hook must finish well within it. Returns the function that removes the hook.
 */
export function beforeRejoin(groupId: string, hook: () => Promise<void>): () => void {
  install();
  hooks.set(groupId, hook);
  return () => {
    if (hooks.get(groupId) === hook) hooks.delete(groupId);
  };
}
