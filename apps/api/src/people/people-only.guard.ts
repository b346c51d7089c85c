import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '#auth';
import { DomainError } from '#domain';

/**
 * For routes about a person's own things (their notices): after the global guard, refuses an API key with 403.
 * A key is a system's (a department's integration, a script), and a system has no inbox. It runs before the body
 * and query are validated, so a key gets the same 403 whatever it sends.
 */
@Injectable()
export class PeopleOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal?.session)
      throw DomainError.forbidden(
        'Notices are a signed-in person’s own: an API key has none. Sign in (POST /api/v1/session) and send the cookie.',
      );
    return true;
  }
}
