import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

// Connection reuse matters more than anything else for per-event HTTP hops.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 }),
};

export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

/** POSTs a body and collects the whole response; rejects on network errors and timeouts. */
export function httpPost(
  url: URL,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs?: number,
): Promise<HttpResponse> {
  const client = url.protocol === 'https:' ? https : http;
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new Error(`unsupported URL scheme '${url.protocol}' in ${url.href}`));
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(body?.length ?? 0) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    if (timeoutMs !== undefined) {
      req.setTimeout(timeoutMs, () => req.destroy(new HttpTimeoutError(`no response from ${url.href} within ${timeoutMs} ms`)));
    }
    req.on('error', reject);
    req.end(body);
  });
}
