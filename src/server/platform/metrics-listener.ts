import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export type MetricsListener = { host: string; port: number; close(): Promise<void> };

/**
 * /metrics without a token, on its own port bound to loopback: a scraper on the same machine reads
 * it, and no proxy in front of the main port can expose it (the main port wants METRICS_TOKEN).
 */
export async function startMetricsListener(deps: { metrics: Metrics; port: number; log: Logger }): Promise<MetricsListener> {
  const host = '127.0.0.1';
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: this port serves GET /metrics only.\n');
      return;
    }
    deps.metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(text),
      (err: unknown) => {
        deps.log.error({ err }, 'metrics collection failed');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
