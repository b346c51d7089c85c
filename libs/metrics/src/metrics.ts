import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The Prometheus registry of one Concord process, served at `GET /metrics`: the default process metrics (CPU,
 * memory, event loop lag, GC, handles) and every series Concord adds. One per application rather than
 * prom-client's global registry, so that several applications in one process (the test suite) keep theirs
 * apart. A module registers the series it describes on this registry, in its `onModuleInit`; names start with
 * `concord_`.
 */
export class Metrics {
  readonly registry = new Registry();

  /** The exposition text, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

export function createMetrics(): Metrics {
  const metrics = new Metrics();
  collectDefaultMetrics({ register: metrics.registry });
  return metrics;
}

@Global()
@Module({
  providers: [{ provide: Metrics, useFactory: createMetrics }],
  exports: [Metrics],
})
export class MetricsModule {}
