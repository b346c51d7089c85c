import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AllowedBeforePasswordChange,
  CurrentPrincipal,
  Public,
  RequestOrigin,
  SessionsService,
  SignedIn,
  UsersService,
  type ClientOrigin,
} from '#auth';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { DomainError, type Principal } from '#domain';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { SensitiveResponse } from '../common/idempotency.interceptor.js';
import { ChangePasswordDto, MeDto, SignedInDto, SignInDto } from './dto/people.dto.js';
import { clearedSessionCookies, sessionCookies } from './session-cookies.js';

/**
 * A person's session: signing in with a username and password sets an HttpOnly session cookie (SameSite=Lax,
 * Secure in production) and a readable CSRF cookie whose value every write must echo in `X-CSRF-Token`.
 */
@ApiTags('people')
@Controller()
export class SessionController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    @Inject(CONCORD_CONFIG) private readonly config: ConcordConfig,
  ) {}

  @Post('session')
  @HttpCode(200)
  @Public()
  @SensitiveResponse()
  @ApiOperation({
    operationId: 'signIn',
    summary: 'Sign in',
    description:
      'Begins a session: sets the `concord_session` cookie (HttpOnly) and the `concord_csrf` cookie, and answers the ' +
      'CSRF token and the person. Every failure answers the same 401, whatever failed; repeated failures lock the ' +
      'account and the client address for a while, doubling (30 s after 5 failures, up to an hour).',
  })
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: SignedInDto })
  @ApiProblems(400, 401, 413, 415, 422, 503)
  async signIn(
    @Body() body: SignInDto,
    @RequestOrigin() origin: ClientOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const session = await this.sessions.signIn(body.username, body.password, origin);
    reply.header('set-cookie', sessionCookies(session, this.config.secureCookies));
    return { csrfToken: session.csrfToken, me: session.me };
  }

  @Delete('session')
  @HttpCode(204)
  @SignedIn()
  @AllowedBeforePasswordChange()
  @ApiCookieAuth()
  @ApiOperation({
    operationId: 'signOut',
    summary: 'Sign out',
    description: 'Ends the session and clears its cookies; an API key has none (403).',
  })
  @ApiNoContentResponse({ description: 'Signed out.' })
  @ApiProblems(401, 403, 503)
  async signOut(
    @CurrentPrincipal() me: Principal,
    @RequestOrigin() origin: ClientOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    if (!me.session) throw DomainError.forbidden('An API key has no session to end: revoke the key instead.');
    await this.sessions.signOut(me, origin);
    reply.header('set-cookie', clearedSessionCookies(this.config.secureCookies));
  }

  @Get('me')
  @SignedIn()
  @AllowedBeforePasswordChange()
  @ApiCookieAuth()
  @ApiOperation({
    operationId: 'getMe',
    summary: 'The signed-in person',
    description:
      'The person of the session cookie: roles, unit, department, and whether it must change its password. With an ' +
      'API key: the key’s principal, without a username or session.',
  })
  @ApiOkResponse({ type: MeDto })
  @ApiProblems(401, 403, 503)
  async me(@CurrentPrincipal() me: Principal) {
    if (me.session) return this.sessions.me(me);
    // An API key is told who it is too: its principal, with no username and no session.
    return {
      id: me.id,
      username: null,
      name: me.name,
      roles: [me.role],
      unitCode: me.unitCode,
      departmentCode: me.departmentCode,
      mustChangePassword: false,
      session: null,
    };
  }

  @Post('me/password')
  @HttpCode(204)
  @SignedIn()
  @AllowedBeforePasswordChange()
  @ApiCookieAuth()
  @ApiOperation({
    operationId: 'changeMyPassword',
    summary: 'Change my password',
    description:
      'Proves the current password and sets a new one by the policy (422 with the reasons); the person’s other ' +
      'sessions end. Recorded in the security log.',
  })
  @ApiIdempotencyKey()
  @ApiNoContentResponse({ description: 'Changed.' })
  @ApiProblems(400, 401, 403, 413, 415, 422, 503)
  async changePassword(
    @Body() body: ChangePasswordDto,
    @CurrentPrincipal() me: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ): Promise<void> {
    if (!me.session) throw DomainError.forbidden('An API key has no password: sign in to change yours.');
    await this.users.changeOwnPassword(me, body.currentPassword, body.newPassword, origin);
  }
}
