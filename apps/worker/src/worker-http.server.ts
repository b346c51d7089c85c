import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { Metrics } from '#metrics';
import { Readiness } from '#observability';
import { describeFault } from '#persistence';

/**
 * The worker's own small HTTP server, on `CONCORD_WORKER_METRICS_PORT` (default 9464; 0 turns it off): `GET
 * /metrics` (Prometheus), `GET /health/live` (200 while the process answers) and `GET /health/ready` (200 when
 * PostgreSQL, Redis and the queues answer, no queue is paused and the outbox relay keeps up; 503 otherwise).
 * Nothing else, and nothing that needs a key: no PII is served. A port already taken is logged and the worker
 * goes on working without it.
 */
@Injectable()
export class WorkerHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHttpServer.name);
  private server: Server | null = null;

  constructor(
    private readonly metrics: Metrics,
    private readonly readiness: Readiness,
    @Inject(CONCORD_CONFIG) private readonly config: ConcordConfig,
  ) {}

  /** The port it listens on, or null when it does not. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.workerMetricsPort;
    if (port === null || port === undefined) return;
    const server = createServer((request, response) => {
      void this.answer(request.method ?? 'GET', (request.url ?? '/').split('?')[0]!).then(
        ({ status, type, body }) => response.writeHead(status, { 'content-type': type }).end(body),
        (error: unknown) => {
          this.logger.error(`metrics server: ${describeFault(error, { frames: 3 })}`);
          response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
        },
      );
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.logger.error(`metrics and health not served on port ${port}: ${describeFault(error, { frames: 0 })}`);
      return;
    }
    this.server = server;
    this.logger.log(`metrics and health on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async answer(method: string, path: string): Promise<{ status: number; type: string; body: string }> {
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, type: 'text/plain', body: 'GET only\n' };
    if (path === '/metrics') {
      const { contentType, body } = await this.metrics.scrape();
      return { status: 200, type: contentType, body };
    }
    if (path === '/health/live') return json(200, { status: 'ok' });
    if (path === '/health/ready' || path === '/health') {
      const { ok, checks } = await this.readiness.check();
      return json(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks });
    }
    return { status: 404, type: 'text/plain', body: 'not found: /metrics, /health/live, /health/ready\n' };
  }
}

const json = (status: number, body: unknown) => ({ status, type: 'application/json', body: JSON.stringify(body) });
