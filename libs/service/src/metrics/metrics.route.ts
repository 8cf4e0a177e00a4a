import { collectDefaultMetrics, register } from 'prom-client';
import { sendError, type RawRoute } from '../http/raw-route';

export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics`: prom-client's default registry in Prometheus's text format, with the process's
 * default metrics (CPU, memory, event-loop lag, GC). Everything is counted as it happens and
 * only rendered here, when scraped; like the health checks it is open whatever the gates refuse
 * (a scraper carries no ingress token, and a draining service is still worth watching).
 */
export function metricsRoute(): RawRoute {
  // Once per process: a second registration of the same names would throw.
  if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
  return {
    serves: (path) => path === METRICS_PATH,
    async handle(request, res) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(res, 405, `method ${request.method} is not allowed; use GET`, { allow: 'GET, HEAD' });
      const text = await register.metrics();
      res.writeHead(200, { 'content-type': register.contentType, 'content-length': Buffer.byteLength(text) }).end(request.method === 'HEAD' ? undefined : text);
    },
  };
}
