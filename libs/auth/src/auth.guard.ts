import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCode, type Role } from '#domain';
import { ApiKeysService } from './api-keys.service.js';
import { PUBLIC_KEY, ROLES_KEY, type AuthenticatedRequest } from './roles.decorator.js';

/**
 * Global guard: a bearer API key, then the route's roles. A route that declares neither roles nor `@Public()`
 * is refused, so forgetting to declare access closes a route rather than opening it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new DomainError(ErrorCode.Unauthenticated, 'Send an API key: `Authorization: Bearer <key>`.');
    const principal = await this.keys.authenticate(match[1]!);
    if (!principal) throw new DomainError(ErrorCode.Unauthenticated, 'The API key is unknown, revoked or expired.');
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles) {
      this.logger.error(`route ${context.getClass().name}.${context.getHandler().name} declares no roles; refused`);
      throw DomainError.forbidden('This route is closed.');
    }
    if (!roles.includes(principal.role)) {
      throw DomainError.forbidden(`The ${principal.role} role cannot do this (allowed: ${roles.join(', ')}).`);
    }
    return true;
  }
}
