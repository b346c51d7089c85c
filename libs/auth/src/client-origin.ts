import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ClientOrigin } from './security-log.js';

/**
 * Where the request came from, for the security log: the client's address as Fastify sees it (`request.ip`,
 * which believes X-Forwarded-For only from the proxies CONCORD_TRUST_PROXY names) and its User-Agent.
 */
export const RequestOrigin = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientOrigin => {
  const request = ctx
    .switchToHttp()
    .getRequest<{ ip?: string; headers: Record<string, string | string[] | undefined> }>();
  const agent = request.headers['user-agent'];
  return { address: request.ip ?? null, userAgent: typeof agent === 'string' ? agent : null };
});
