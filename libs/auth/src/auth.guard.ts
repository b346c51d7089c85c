import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCode, type Principal, type UserRole } from '#domain';
import { ApiKeysService } from './api-keys.service.js';
import { CSRF_HEADER, parseCookies, SESSION_COOKIE } from './cookies.js';
import {
  PASSWORD_CHANGE_KEY,
  PUBLIC_KEY,
  ROLES_KEY,
  SIGNED_IN_KEY,
  type AuthenticatedRequest,
} from './roles.decorator.js';
import { SessionsService } from './sessions.service.js';

/** Methods that change nothing, which a cookie may authenticate without the CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: a bearer API key or, without one, a person's session cookie; then the route's roles. A route
 * that declares neither roles nor `@SignedIn()` nor `@Public()` is refused, so forgetting to declare access closes
 * a route rather than opening it. A cookie never carries an API key, and every write a cookie authenticates needs
 * the session's CSRF token in `X-CSRF-Token` (a page on another site can make the browser send the cookie, never
 * the token).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    const signedIn = this.reflector.getAllAndOverride<boolean>(SIGNED_IN_KEY, targets) ?? false;
    if (
      principal.session?.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_KEY, targets)
    )
      throw DomainError.forbidden('Change your one-time password first (POST /api/v1/me/password).');
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    if (signedIn) {
      request.principal = principal;
      return true;
    }
    if (!roles) {
      this.logger.error(`route ${context.getClass().name}.${context.getHandler().name} declares no roles; refused`);
      throw DomainError.forbidden('This route is closed.');
    }
    const held = principal.session?.roles ?? [principal.role];
    const acting = roles.find((role) => held.includes(role));
    if (!acting) {
      throw DomainError.forbidden(`The ${held.join(', ')} role cannot do this (allowed: ${roles.join(', ')}).`);
    }
    request.principal = { ...principal, role: acting };
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Principal> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match) throw new DomainError(ErrorCode.Unauthenticated, 'Send an API key: `Authorization: Bearer <key>`.');
      const principal = await this.keys.authenticate(match[1]!);
      if (!principal) throw new DomainError(ErrorCode.Unauthenticated, 'The API key is unknown, revoked or expired.');
      return principal;
    }
    const token = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (token === undefined)
      throw new DomainError(ErrorCode.Unauthenticated, 'Sign in, or send an API key: `Authorization: Bearer <key>`.');
    const session = await this.sessions.authenticate(token);
    if (!session) throw new DomainError(ErrorCode.Unauthenticated, 'The session has ended: sign in again.');
    if (!SAFE_METHODS.has((request.method ?? 'GET').toUpperCase())) {
      const given = request.headers[CSRF_HEADER];
      if (!session.csrfMatches(typeof given === 'string' ? given : undefined))
        throw DomainError.forbidden(
          'A write signed in with a session cookie needs its CSRF token in the X-CSRF-Token header.',
        );
    }
    return session.principal;
  }
}
