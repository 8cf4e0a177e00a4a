/**
 * Calls `heartbeat` every `intervalMs` until the returned function is called. kafkajs heartbeats
 * only between batches or when asked, so a batch whose deliveries retry for longer than the
 * session timeout would otherwise get its consumer dropped from the group and its events handed
 * out again. A failed heartbeat (a rebalance under way) is left to kafkajs, which rejoins after
 * the batch.
 */
export function keepAlive(heartbeat: () => Promise<void>, intervalMs: number): () => void {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), intervalMs);
  return () => clearInterval(timer);
}
