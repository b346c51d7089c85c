import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Principal } from '#domain';
import type { Metrics } from '#metrics';
import {
  contextFrom,
  newRequestId,
  requestIdFrom,
  SpanKind,
  SpanStatusCode,
  startSpan,
  withRequestContext,
  withTraceContext,
} from '#telemetry';

/** Fastify's `genReqId`: the caller's `X-Request-Id` when it is a plain token, else a new UUID. */
export function requestIdOf(raw: { headers: Record<string, string | string[] | undefined> }): string {
  return requestIdFrom(raw.headers['x-request-id']) ?? newRequestId();
}

/** Probes and scrapes come every few seconds: their lines are debug, not info. */
const QUIET_ROUTES = new Set(['/metrics', '/api/v1/health', '/api/v1/health/live', '/api/v1/health/ready']);

type Span = ReturnType<typeof startSpan>['span'];
const spans = new WeakMap<FastifyRequest, Span>();

/**
 * What every API request leaves behind, from Fastify hooks (so 404s, refusals and the queue dashboard count too):
 * - its id answered as `X-Request-Id`, and the ambient request context that carries it into the events, outbox
 *   rows and jobs it causes;
 * - a server span (continuing an incoming `traceparent`) when tracing is on;
 * - `concord_http_request_duration_seconds{method, route, status}` and, for a problem answer,
 *   `concord_refusals_total{code}`;
 * - one log line: `requestId`, `method`, `route` (the pattern, never the path: a path can carry a query code),
 *   `status`, `durationMs`, and `principal` (`{id, role}` of the key; never the key). No header, query or body.
 */
export function instrumentHttp(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    const route = routeOf(request);
    const traceparent = request.headers.traceparent;
    const { span, context } = startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      parent: contextFrom(typeof traceparent === 'string' ? traceparent : null),
      attributes: { 'http.request.method': request.method, 'http.route': route, 'concord.request_id': request.id },
    });
    spans.set(request, span);
    withTraceContext(context, () => withRequestContext({ requestId: request.id }, done));
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/problem+json') && typeof payload === 'string') {
      metrics.refusals.inc({ code: problemCode(payload) });
    }
    done(null, payload);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    metrics.httpDuration.observe({ method: request.method, route, status: String(status) }, seconds);
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const principal = (request as FastifyRequest & { principal?: Principal }).principal;
    const line = {
      msg: 'request',
      requestId: request.id,
      method: request.method,
      route,
      status,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      principal: principal ? { id: principal.id, role: principal.role } : null,
    };
    const logger = PinoLogger.root;
    if (status >= 500) logger?.error(line);
    else if (QUIET_ROUTES.has(route)) logger?.debug(line);
    else logger?.info(line);
    done();
  });
}

/** The route's pattern (`/api/v1/cases/:id`); `unmatched` for a request no route took (its path is the client's). */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

function problemCode(payload: string): string {
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : 'unknown';
  } catch {
    return 'unknown';
  }
}
