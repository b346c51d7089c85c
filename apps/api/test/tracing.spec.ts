import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { currentTraceparent, inSpan, startTracing, type Tracing } from '#telemetry';
import { dispute, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/** An OTLP/HTTP receiver: a real HTTP server that records what it is sent. */
class TraceReceiver {
  readonly posts: Array<{ path: string; type: string; body: string }> = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.posts.push({
        path: req.url ?? '',
        type: String(req.headers['content-type']),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every span received: its name, trace id and parent. */
  spans(): Array<{ name: string; traceId: string; parentSpanId?: string; spanId: string }> {
    return this.posts.flatMap((p) =>
      (JSON.parse(p.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: any[] }> }> }).resourceSpans.flatMap(
        (r) => r.scopeSpans.flatMap((s) => s.spans),
      ),
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('OpenTelemetry tracing, optional by environment', () => {
  it('with OTEL_EXPORTER_OTLP_ENDPOINT unset, nothing is started and spans are the no-op ones', async () => {
    expect(await startTracing('concord-api', {})).toBeNull();
    expect(await startTracing('concord-api', { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeNull();
    await inSpan('untraced', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(currentTraceparent()).toBeNull();
    });
    expect(trace.getTracerProvider().getTracer('x').startSpan('y').isRecording()).toBe(false);
  });

  describe('with it set', () => {
    const receiver = new TraceReceiver();
    let tracing: Tracing | null;
    let api: TestApi;

    beforeAll(async () => {
      tracing = await startTracing('concord-api', { OTEL_EXPORTER_OTLP_ENDPOINT: `${await receiver.start()}/` });
      api = await startTestApi({ api: { tracing } });
      await seedDirectory(api);
    });
    afterAll(async () => {
      await api.close();
      await receiver.close();
    });

    it('exports the span of a request, and of the transition it caused, in the trace the caller started', async () => {
      expect(tracing).not.toBeNull();
      expect(tracing!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const created = await api.call('POST', '/cases', {
        body: dispute(),
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      expect(created.status).toBe(201);
      await tracing!.forceFlush();

      expect(receiver.posts.length).toBeGreaterThan(0);
      expect(receiver.posts.every((p) => p.path === '/v1/traces' && p.type.startsWith('application/json'))).toBe(true);
      const spans = receiver.spans().filter((s) => s.traceId === traceId);
      const request = spans.find((s) => s.name === 'POST /api/v1/cases');
      const transition = spans.find((s) => s.name === 'concord.transition');
      expect(request).toMatchObject({ parentSpanId: '00f067aa0ba902b7' });
      expect(transition).toMatchObject({ parentSpanId: request!.spanId });
      // The outbox rows carry the transition's context to the jobs they become.
      const rows = await api.db.query<{ traceparent: string | null }>(
        'SELECT traceparent FROM outbox WHERE case_id = $1',
        [created.body.id],
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.traceparent === `00-${traceId}-${transition!.spanId}-01`)).toBe(true);
    });
  });
});
