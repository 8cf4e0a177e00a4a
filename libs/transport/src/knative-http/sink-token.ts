import { readFileSync } from 'node:fs';
import type { TransportSettings } from '../transport.settings';

/** Gives the bearer token to publish with, read afresh as often as the source needs. */
export type TokenSource = () => string;

const FILE_REREAD_MS = 10_000;

/**
 * The token sent to K_SINK as `Authorization: Bearer`: K_SINK_TOKEN, or K_SINK_TOKEN_FILE (re-read
 * every few seconds, so that a rotated projected service-account token is picked up), or else
 * INGRESS_AUTH_TOKEN, so that with one shared token the services on this machine reach the
 * embedded broker as any client does. Undefined when none is set: no header is sent.
 */
export function sinkToken(settings: Pick<TransportSettings, 'sinkToken' | 'sinkTokenFile' | 'sharedToken'>): TokenSource | undefined {
  if (settings.sinkToken && settings.sinkTokenFile) throw new Error('set K_SINK_TOKEN or K_SINK_TOKEN_FILE, not both');
  if (settings.sinkTokenFile) {
    const source = tokenFile(settings.sinkTokenFile);
    source(); // unreadable now is a start-up error, not a surprise at the first publish
    return source;
  }
  const token = settings.sinkToken || settings.sharedToken;
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
