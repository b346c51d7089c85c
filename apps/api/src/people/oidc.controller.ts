import { Controller, Get, HttpCode, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  OIDC_COOKIE,
  OidcService,
  parseCookies,
  Public,
  RequestOrigin,
  serializeCookie,
  type ClientOrigin,
} from '#auth';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { ApiProblems } from '../common/api-docs.js';
import { OidcBeginQuery } from './dto/oidc.dto.js';
import { sessionCookies } from './session-cookies.js';

const NO_STORE = { 'Cache-Control': { description: '`no-store`', schema: { type: 'string', example: 'no-store' } } };
const UNAVAILABLE = 'The identity provider cannot be reached (or PostgreSQL is unavailable): retry shortly.';
const NOT_CONFIGURED = 'Single sign-on is not configured on this deployment (CONCORD_OIDC_ISSUER).';

/**
 * Single sign-on through the government's identity platform (统一身份认证), OpenID Connect's authorization code flow
 * with PKCE: a browser is sent to the provider and comes back to the callback, which begins the same session
 * (cookies) as `POST /session`. Both routes are browser navigations: they answer redirects, and problems on failure.
 */
@ApiTags('people')
@Controller('session/oidc')
export class OidcController {
  constructor(
    private readonly oidc: OidcService,
    @Inject(CONCORD_CONFIG) private readonly config: ConcordConfig,
  ) {}

  @Get()
  @Public()
  @HttpCode(302)
  @ApiOperation({
    operationId: 'beginSingleSignOn',
    summary: 'Sign in through single sign-on',
    description:
      'Begins a sign-in at the identity provider (OpenID Connect, authorization code with PKCE): keeps a fresh ' +
      'state, nonce and PKCE verifier for 10 minutes and redirects the browser to the provider, setting the ' +
      '`concord_oidc` cookie (HttpOnly, sent only to the callback) so that the login can come back only to this ' +
      'browser. `next`: where to go once signed in, a path on this site (default `/`). 404 when single sign-on is ' +
      'not configured.',
  })
  @ApiResponse({
    status: 302,
    description: 'To the identity provider’s authorization endpoint.',
    headers: {
      Location: { description: 'The provider’s authorization URL.', schema: { type: 'string', format: 'uri' } },
      'Set-Cookie': {
        description: '`concord_oidc`: this login’s state, for the callback.',
        schema: { type: 'string' },
      },
      ...NO_STORE,
    },
  })
  @ApiProblems(400, [404, NOT_CONFIGURED], [503, UNAVAILABLE])
  async begin(@Query() query: OidcBeginQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const login = await this.oidc.begin(query.next ?? '/');
    reply
      .header(
        'set-cookie',
        serializeCookie(OIDC_COOKIE, login.state, {
          httpOnly: true,
          secure: this.config.secureCookies,
          maxAge: login.maxAgeSeconds,
          path: this.oidc.callbackPath,
        }),
      )
      .header('cache-control', 'no-store')
      .header('location', login.authorizationUrl);
  }

  @Get('callback')
  @Public()
  @HttpCode(302)
  @ApiOperation({
    operationId: 'completeSingleSignOn',
    summary: 'Come back from single sign-on',
    description:
      'Where the identity provider sends the browser back (CONCORD_OIDC_REDIRECT_URL). The login is taken once: ' +
      'its state must be one this browser began (the `concord_oidc` cookie) within 10 minutes; the code is ' +
      'redeemed with the PKCE verifier and the ID token checked (signature, issuer, audience, expiry, nonce). ' +
      'The claim CONCORD_OIDC_USERNAME_CLAIM (default `preferred_username`) names the account, whatever its case. ' +
      'An enabled account gets the session cookies `POST /session` sets, and the browser goes on to the `next` of ' +
      'the login. Every failure (state unknown, used or expired, the provider’s refusal, a token that fails its ' +
      'checks, no such account or a disabled one) answers the same 401 and is in the security log. A person who ' +
      'must change a one-time password still must, before anything but `GET /me`.',
  })
  // The document lists these in the reverse of this order: state first.
  @ApiQuery({
    name: 'error',
    required: false,
    description: 'The provider’s refusal (e.g. `access_denied`), instead of a code.',
    schema: { type: 'string' },
  })
  @ApiQuery({ name: 'iss', required: false, description: 'The provider (RFC 9207).', schema: { type: 'string' } })
  @ApiQuery({ name: 'code', required: false, description: 'The authorization code.', schema: { type: 'string' } })
  @ApiQuery({
    name: 'state',
    required: true,
    description: 'The state the login began with.',
    schema: { type: 'string' },
  })
  @ApiResponse({
    status: 302,
    description: 'Signed in: to the `next` path of the login.',
    headers: {
      Location: { description: 'A path on this site.', schema: { type: 'string' } },
      'Set-Cookie': {
        description: '`concord_session` and `concord_csrf`, as `POST /session` sets them; `concord_oidc` cleared.',
        schema: { type: 'string' },
      },
      ...NO_STORE,
    },
  })
  @ApiProblems(
    400,
    [401, 'The sign-on failed, whatever failed; start again from `GET /session/oidc`.'],
    [404, NOT_CONFIGURED],
    [503, UNAVAILABLE],
  )
  async complete(
    // The provider's redirect may carry parameters of its own beyond these: taken as they come, not refused.
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @RequestOrigin() origin: ClientOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const secure = this.config.secureCookies;
    reply.header('cache-control', 'no-store');
    // The login's state is spent whatever the outcome: the browser drops it, failure or not.
    if (this.oidc.enabled)
      reply.header(
        'set-cookie',
        serializeCookie(OIDC_COOKIE, '', { httpOnly: true, secure, maxAge: 0, path: this.oidc.callbackPath }),
      );
    const bound = parseCookies(request.headers.cookie).get(OIDC_COOKIE);
    const { session, returnTo } = await this.oidc.complete(query, bound, origin);
    reply.header('set-cookie', sessionCookies(session, secure)).header('location', returnTo);
  }
}
