import { sleep } from '../delivery/retry';

/**
 * Retries an admin call while Kafka answers with a retriable error: a broker that just started is
 * still electing coordinators (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE), and kafkajs's admin
 * client does not retry those itself.
 */
export async function retryTransient<T>(what: string, call: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await call();
    } catch (err) {
      const retriable = (err as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() + delay > deadline) {
        throw new Error(`${what} failed: ${(err as Error).message}`);
      }
      await sleep(delay);
    }
  }
}
