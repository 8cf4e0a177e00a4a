/**
 * What the transport logs through. It is Nest's `Logger` shape, so services pass theirs, but the
 * transport itself does not depend on Nest (only its `nest/` adapter does).
 */
export interface Log {
  debug(message: string): void;
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Makes the log of one component, named by its context (e.g. `trigger default/foo`). */
export type LogFactory = (context: string) => Log;
