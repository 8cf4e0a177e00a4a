import { readFileSync } from 'node:fs';

/** Gives the bearer token to publish with, read afresh as often as the source needs. */
export type TokenSource = () => string;

const FILE_REREAD_MS = 10_000;

/**
 * The token sent to K_SINK as `Authorization: Bearer`: K_SINK_TOKEN, or K_SINK_TOKEN_FILE (re-read
 * every few seconds, so that a rotated projected service-account token is picked up), or else
 * INGRESS_AUTH_TOKEN, so that with one shared token the services on this machine reach the
 * embedded broker as any client does. Undefined when none is set: no header is sent.
 */
export function sinkTokenFromEnv(env: NodeJS.ProcessEnv = process.env): TokenSource | undefined {
  if (env.K_SINK_TOKEN && env.K_SINK_TOKEN_FILE) throw new Error('set K_SINK_TOKEN or K_SINK_TOKEN_FILE, not both');
  if (env.K_SINK_TOKEN_FILE) {
    const source = tokenFile(env.K_SINK_TOKEN_FILE);
    source(); // unreadable now is a start-up error, not a surprise at the first publish
    return source;
  }
  const token = env.K_SINK_TOKEN || env.INGRESS_AUTH_TOKEN;
  return token ? () => token : undefined;
}

export function tokenFile(path: string, rereadMs = FILE_REREAD_MS): TokenSource {
  let cached: { token: string; at: number } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at >= rereadMs) {
      let token: string;
      try {
        token = readFileSync(path, 'utf8').trim();
      } catch (err) {
        throw new Error(`K_SINK_TOKEN_FILE ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (!token) throw new Error(`K_SINK_TOKEN_FILE ${path} is empty`);
      cached = { token, at: Date.now() };
    }
    return cached.token;
  };
}
