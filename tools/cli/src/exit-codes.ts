/**
 * The CLI's exit codes, the same for every command, so that scripts can branch on them
 * (README, "CLI"). Commander's own usage errors exit with `usage` too (see program.ts).
 */
export const EXIT = {
  /** Done: the event was accepted, the prediction answered, every dead letter re-sent. */
  ok: 0,
  /** The prediction failed (its response carries `seldonstatus`), or some dead letters could not be re-sent. */
  failed: 1,
  /** Bad arguments: an unknown flag, invalid JSON in --data, an unreadable file... */
  usage: 2,
  /** No response within --timeout. */
  timeout: 3,
  /** The broker, ingress, event-display or Kafka could not be reached. */
  unreachable: 4,
  /** The broker or ingress answered, but not 2xx (the body is printed). */
  refused: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with its message on stderr and its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);

/** The reason a fetch failed, as undici hides it in `cause` ("fetch failed" says nothing). */
export function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
