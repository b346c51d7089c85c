import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { UserRole } from '#domain';
import { type Principal } from '#domain';

export const ROLES_KEY = 'concord:roles';
export const PUBLIC_KEY = 'concord:public';
export const SIGNED_IN_KEY = 'concord:signed-in';
export const PASSWORD_CHANGE_KEY = 'concord:password-change';

/**
 * The roles that may call a route, most capable first: a person holding several acts in the first of them it
 * holds. Every route declares this, `@SignedIn()` or `@Public()`; the guard refuses the rest.
 */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

/** A route anyone may call without a key (health, public progress, signing in). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** A route any authenticated caller may use, in whatever role (its own account: `GET /me`, signing out). */
export const SignedIn = () => SetMetadata(SIGNED_IN_KEY, true);

/** A route a person whose one-time password is still to be changed may use (every other is refused until then). */
export const AllowedBeforePasswordChange = () => SetMetadata(PASSWORD_CHANGE_KEY, true);

export interface AuthenticatedRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** The authenticated principal of the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
