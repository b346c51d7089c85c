import { createHash, timingSafeEqual } from 'node:crypto';
import { Logger } from '@nestjs/common';
import * as client from 'openid-client';
import type { Clock } from '#clock';
import type { ConcordConfig, OidcConfig } from '#config';
import { DomainError, ErrorCode, type UserRole } from '#domain';
import type { Database } from '#persistence';
import { COOKIE_PATH } from './cookies.js';
import type { ClientOrigin, SecurityLog } from './security-log.js';
import type { NewSession, SessionsService } from './sessions.service.js';

/** The one answer to every failed single sign-on, whatever failed: it says nothing about which accounts exist. */
export const SSO_SIGN_IN_FAILED = 'Single sign-on did not succeed, or the account cannot sign in now: start again.';

const PROVIDER_UNREACHABLE = 'The identity provider cannot be reached now: try again later.';

/** How long a login begun at the provider may take to come back. */
export const OIDC_LOGIN_TTL_SECONDS = 600;

/**
 * Where a person may be sent after signing in: a path on Concord's own origin, starting with a single `/` (never
 * `//host` or `/\host`, which browsers read as another origin), printable ASCII without a backslash, ≤ 2048.
 */
export const RETURN_PATH = /^\/(?![/\\])[!-[\]-~]{0,2047}$/;

/** Why a single sign-on failed, as the security log records it (never shown to the person). */
export type SsoFailure =
  | 'browser_mismatch'
  | 'unknown_state'
  | 'expired'
  | 'provider_error'
  | 'token_refused'
  | 'nonce_mismatch'
  | 'id_token_invalid'
  | 'provider_unreachable'
  | 'no_username_claim'
  | 'unknown_user'
  | 'disabled';

/** The scope each standard claim is released under (OpenID Connect Core §5.4); other claims come with `profile`. */
const CLAIM_SCOPES: Record<string, string> = { email: 'email', phone_number: 'phone' };

/** Seconds a request to the provider may take. */
const PROVIDER_TIMEOUT_SECONDS = 10;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A failed sign-on, with the reason the security log keeps. */
class SsoRefused extends Error {
  constructor(
    readonly reason: SsoFailure,
    readonly user: { id: string; unit_code: string | null } | null = null,
  ) {
    super(reason);
  }
}

/** A login begun: where to send the browser, and the state it must bring back (the browser-binding cookie). */
export interface BegunLogin {
  authorizationUrl: string;
  state: string;
  maxAgeSeconds: number;
}

/**
 * Single sign-on through the government's identity platform (统一身份认证) with OpenID Connect: the authorization
 * code flow with PKCE (S256), as a confidential client. A login begun keeps its state (hashed), nonce and PKCE
 * verifier in PostgreSQL, so the callback may land on any API process; the callback consumes the row (a state
 * works once), and openid-client checks the provider's answer: state, issuer, the code exchange with the verifier,
 * the ID token's signature, issuer, audience, expiry and nonce. The claim `CONCORD_OIDC_USERNAME_CLAIM` names the
 * Concord account (case-insensitively, as password sign-in does); an enabled account gets a session exactly as a
 * password sign-in would. Every failure answers the same 401 and is in the security log with its reason.
 *
 * The ID token's times are checked against the system clock, as the provider stamped them with its own; the
 * login's 10-minute expiry is Concord's and follows the Clock.
 */
export class OidcService {
  private readonly logger = new Logger(OidcService.name);
  private discovered: Promise<client.Configuration> | null = null;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Pick<ConcordConfig, 'oidc'>,
    private readonly sessions: SessionsService,
    private readonly securityLog: SecurityLog,
  ) {}

  /** Whether single sign-on is configured (`CONCORD_OIDC_ISSUER`); without it its routes are not found. */
  get enabled(): boolean {
    return Boolean(this.config.oidc);
  }

  /**
   * The path of the callback as the browser sees it (from CONCORD_OIDC_REDIRECT_URL), where the browser-binding
   * cookie is sent; `/` when that path has characters a cookie attribute cannot carry.
   */
  get callbackPath(): string {
    const path = this.config.oidc ? new URL(this.config.oidc.redirectUrl).pathname : '/';
    return COOKIE_PATH.test(path) ? path : '/';
  }

  /** Begins a login: a fresh state, nonce and PKCE verifier kept server-side, and the provider's URL to go to. */
  async begin(returnTo: string): Promise<BegunLogin> {
    const settings = this.settings();
    if (!RETURN_PATH.test(returnTo)) throw DomainError.validation([{ field: 'next', message: 'not a local path' }]);
    const configuration = await this.configuration();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    const now = this.clock.now();
    await this.db.transaction(async () => {
      // Logins that never came back are dropped here: the table holds at most the last ten minutes' logins.
      await this.db.query(`DELETE FROM oidc_logins WHERE expires_at <= $1`, [now]);
      await this.db.query(
        `INSERT INTO oidc_logins (state_hash, nonce, code_verifier, return_to, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [sha256(state), nonce, verifier, returnTo, now, new Date(now.getTime() + OIDC_LOGIN_TTL_SECONDS * 1000)],
      );
    });
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: settings.redirectUrl,
      response_type: 'code',
      scope: ['openid', CLAIM_SCOPES[settings.usernameClaim] ?? 'profile'].join(' '),
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { authorizationUrl: url.href, state, maxAgeSeconds: OIDC_LOGIN_TTL_SECONDS };
  }

  /**
   * Completes a login from the provider's redirect: `query` is the callback's query string as it came, and
   * `boundState` the state the browser's cookie holds (set when the login began in that browser). Answers the new
   * session and where to send the person.
   */
  async complete(
    query: Record<string, unknown>,
    boundState: string | undefined,
    origin: ClientOrigin,
  ): Promise<{ session: NewSession; returnTo: string }> {
    const settings = this.settings();
    try {
      const state = typeof query.state === 'string' ? query.state : '';
      // The login must come back to the browser that began it: another browser's code and state (a link an
      // attacker made from a login of their own) would sign this browser in as them.
      if (!state || boundState === undefined || !sameText(state, boundState)) throw new SsoRefused('browser_mismatch');
      const configuration = await this.configuration().catch(() => {
        throw new SsoRefused('provider_unreachable');
      });
      const [login] = await this.db.query<{
        nonce: string;
        code_verifier: string;
        return_to: string;
        expires_at: Date;
      }>(`DELETE FROM oidc_logins WHERE state_hash = $1 RETURNING nonce, code_verifier, return_to, expires_at`, [
        sha256(state),
      ]);
      if (!login) throw new SsoRefused('unknown_state');
      if (login.expires_at.getTime() <= this.clock.now().getTime()) throw new SsoRefused('expired');
      const username = await this.usernameFrom(configuration, settings, query, state, login);
      const [user] = await this.db.query<{
        id: string;
        name: string;
        roles: UserRole[];
        unit_code: string | null;
        disabled_at: Date | null;
      }>(`SELECT id, name, roles, unit_code, disabled_at FROM users WHERE lower(username) = $1`, [
        username.trim().toLowerCase(),
      ]);
      if (!user) throw new SsoRefused('unknown_user');
      if (user.disabled_at !== null) throw new SsoRefused('disabled', user);
      const session = await this.sessions.beginSession(user, 'oidc', origin);
      return { session, returnTo: login.return_to };
    } catch (error) {
      if (!(error instanceof SsoRefused)) throw error;
      await this.securityLog.record(
        { id: null, role: 'system', name: 'sign-in' },
        {
          action: 'session.sign_in_failed',
          subject: { type: 'user', id: error.user?.id ?? 'unknown' },
          unitCode: error.user?.unit_code ?? null,
          detail: { via: 'oidc', reason: error.reason },
        },
        origin,
      );
      if (error.reason === 'provider_unreachable') throw new DomainError(ErrorCode.Unavailable, PROVIDER_UNREACHABLE);
      throw new DomainError(ErrorCode.Unauthenticated, SSO_SIGN_IN_FAILED);
    }
  }

  /**
   * Redeems the code with the login's PKCE verifier and reads the username claim: from the ID token, or else from
   * the userinfo endpoint (providers release profile claims there when the client asks for a code).
   */
  private async usernameFrom(
    configuration: client.Configuration,
    settings: OidcConfig,
    query: Record<string, unknown>,
    state: string,
    login: { nonce: string; code_verifier: string },
  ): Promise<string> {
    // The redirect URL as registered, with the parameters the provider sent: behind a proxy the request's own
    // URL differs, and the token request must name the registered one.
    const callback = new URL(settings.redirectUrl);
    for (const [name, value] of Object.entries(query))
      for (const one of Array.isArray(value) ? value : [value])
        if (typeof one === 'string') callback.searchParams.append(name, one);
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: login.code_verifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      let value = claims[settings.usernameClaim];
      if (value === undefined && configuration.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        value = info[settings.usernameClaim];
      }
      if (typeof value !== 'string' || !value.trim()) throw new SsoRefused('no_username_claim');
      return value;
    } catch (error) {
      throw error instanceof SsoRefused ? error : new SsoRefused(failureOf(error));
    }
  }

  private settings(): OidcConfig {
    if (!this.config.oidc) throw DomainError.notFound('Single sign-on (CONCORD_OIDC_ISSUER is not set)');
    return this.config.oidc;
  }

  /**
   * The provider's metadata, discovered once (and again after a failure): its endpoints and keys. The client
   * authenticates with HTTP Basic, OpenID Connect's default, unless the provider takes only a form post.
   */
  private configuration(): Promise<client.Configuration> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = null;
      this.logger.warn(`discovery of ${this.config.oidc?.issuer} failed: ${(error as Error).message}`);
      throw new DomainError(ErrorCode.Unavailable, PROVIDER_UNREACHABLE);
    });
    return this.discovered;
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings();
    const insecure = new URL(issuer).protocol === 'http:';
    const found = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, {
      timeout: PROVIDER_TIMEOUT_SECONDS,
      ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
    });
    const metadata = found.serverMetadata();
    const methods = metadata.token_endpoint_auth_methods_supported;
    const post =
      methods !== undefined && !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
    const configuration = new client.Configuration(
      { ...metadata },
      clientId,
      clientSecret,
      post ? client.ClientSecretPost(clientSecret) : client.ClientSecretBasic(clientSecret),
    );
    configuration.timeout = PROVIDER_TIMEOUT_SECONDS;
    // Only a loopback issuer may be http (config.ts refuses any other at start-up).
    if (insecure) client.allowInsecureRequests(configuration);
    return configuration;
  }
}

/** Equal strings, compared in constant time. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return timingSafeEqual(x, y);
}

/** The reason openid-client's error gives, in the security log's words. */
function failureOf(error: unknown): SsoFailure {
  if (error instanceof client.AuthorizationResponseError) return 'provider_error';
  if (error instanceof client.ResponseBodyError || error instanceof client.WWWAuthenticateChallengeError)
    return 'token_refused';
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT') return 'provider_unreachable';
    const detail = (error.cause as { cause?: { claim?: unknown } } | undefined)?.cause;
    if (error.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && detail?.claim === 'nonce') return 'nonce_mismatch';
    return 'id_token_invalid';
  }
  // fetch's own failure: the provider did not answer at all.
  if (error instanceof TypeError && error.message === 'fetch failed') return 'provider_unreachable';
  throw error;
}
