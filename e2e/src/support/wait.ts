export interface WaitOptions {
  /** What is awaited, for the failure message; a function to say what was seen at the deadline. */
  what: string | (() => string);
  /** Default 20 s. */
  timeoutMs?: number;
  /** How often `condition` is asked; default 25 ms. */
  intervalMs?: number;
}

/**
 * Polls `condition` until it holds: the one way tests wait for something to happen, instead of
 * sleeping "long enough". Fails naming `what` once `timeoutMs` passed.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, { what, timeoutMs = 20_000, intervalMs = 25 }: WaitOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
