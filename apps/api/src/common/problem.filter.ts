import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '#domain';
import { describeFault, isConnectionLost } from '#persistence';
import { problem, problemOf, type Problem } from './problem.js';
import { drainLimitFor, refuseOversizedBody } from './request-edge.js';

/** PostgreSQL / network errors that mean "try again shortly", not "bug". */
const UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '53300', '40001', '40P01']);

/**
 * Maps every error to an RFC 9457 problem response. Anything unexpected is a 500, logged by route with what
 * identifies the fault (describeFault: class, SQLSTATE, PostgreSQL's names, stack frames) and never with the
 * error's message, the request's body or its query string, any of which may carry a party's PII.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');
  private readonly drainLimit: number;

  constructor(bodyLimit = 1_048_576) {
    this.drainLimit = drainLimitFor(bodyLimit);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toProblem(error, request);
    body.instance = request.url.split('?')[0];
    // A body refused for its size while the client is still sending it: answer, then read the rest, then close.
    if (body.status === 413 && !request.raw.complete) return refuseOversizedBody(request, reply, body, this.drainLimit);
    if (body.status === 401) reply.header('WWW-Authenticate', 'Bearer');
    if (body.status === 503) reply.header('Retry-After', '1');
    reply.status(body.status).header('Content-Type', 'application/problem+json; charset=utf-8').send(body);
  }

  toProblem(error: unknown, request: { method: string; url: string; routeOptions?: { url?: string } }): Problem {
    if (error instanceof DomainError) return problemOf(error);
    if (error instanceof HttpException) return fromHttpException(error);
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own refusals (unparsable JSON, body too large, unsupported media type).
      return problem(status, codeForStatus(status), (error as Error).message);
    }
    const code = (error as { code?: string }).code ?? '';
    if (UNAVAILABLE.has(code) || isConnectionLost(error)) {
      this.logger.warn(`${request.method} ${routeOf(request)}: unavailable (${code})`);
      return problem(503, 'unavailable', 'A dependency is unavailable; retry shortly.');
    }
    this.logger.error(`${request.method} ${routeOf(request)} failed: ${describeFault(error)}`);
    return problem(500, 'internal_error', 'Something went wrong on our side; it has been logged.');
  }
}

/** The route's pattern (`/api/v1/cases/:id`), not the path: a path can carry a query code or a date. */
function routeOf(request: { url: string; routeOptions?: { url?: string } }): string {
  return request.routeOptions?.url ?? request.url.split('?')[0]!;
}

function fromHttpException(error: HttpException): Problem {
  const status = error.getStatus();
  const response = error.getResponse();
  const message =
    typeof response === 'string'
      ? response
      : Array.isArray((response as { message?: unknown }).message)
        ? (response as { message: string[] }).message.join('; ')
        : String((response as { message?: unknown }).message ?? error.message);
  return problem(status, codeForStatus(status), message);
}

const CODES: Record<number, string> = {
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** The code of a refusal made by the HTTP layer rather than by Concord's own rules. */
function codeForStatus(status: number): string {
  return CODES[status] ?? 'malformed_request';
}
