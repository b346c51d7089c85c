import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Clock } from '#clock';
import type { ConcordConfig, OidcConfig } from '#config';
import type { TestApi } from '#testing';
import { startTestApi } from './api-harness.js';

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on 127.0.0.1, standing in for a government's
 * unified identity platform: one confidential client whose redirect URI is Concord's callback and which must use
 * PKCE. Its login page is a route a test's browser visits with `?login=<account id>`, as a person would submit the
 * form; consent is given to whatever the client asks. Accounts are added by the test.
 */
export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The provider's token endpoint. */
  tokenEndpoint: string;
  /** Account id (the `sub`) → its other claims (`preferred_username`, `name`, …). */
  accounts: Map<string, Record<string, unknown>>;
  /** Every request that reached the token endpoint, in order: its grant type and whether it succeeded. */
  tokenRequests: Array<{ grantType: string; status: number }>;
  close(): Promise<void>;
}

export async function startTestProvider(redirectUri: string): Promise<TestProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'concord';
  const clientSecret = randomBytes(24).toString('base64url');
  const accounts = new Map<string, Record<string, unknown>>();
  const tokenRequests: TestProvider['tokenRequests'] = [];
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // Every client must send a PKCE challenge, confidential ones too.
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'] },
    findAccount: (_ctx, sub) => {
      const claims = accounts.get(sub);
      return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
    },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Set rather than left to defaults the provider would print a notice about.
    ttl: { AccessToken: 600, AuthorizationCode: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    adapter: memoryStore(),
  });
  // A fault inside the provider is printed: a test would otherwise see only its 500.
  provider.on('server_error', (_ctx, error) => console.error('test provider server_error', error));
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token')
      tokenRequests.push({ grantType: String(ctx.oidc?.params?.grant_type ?? ''), status: ctx.status });
  });

  const handleInteraction = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const accountId = new URL(req.url!, issuer).searchParams.get('login');
      if (!accountId) {
        res.writeHead(400).end('log in with ?login=<account id>');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant = new provider.Grant({
      accountId: details.session!.accountId,
      clientId: String(details.params.client_id),
    });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  };
  const callback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/'))
      handleInteraction(req, res).catch((error: Error) => res.writeHead(500).end(error.message));
    else callback(req, res);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    tokenEndpoint: `${issuer}/token`,
    accounts,
    tokenRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What an oidc-provider adapter stores: a model's payloads by id. */
type Payload = Record<string, unknown> & { uid?: string; grantId?: string; consumed?: number };

/**
 * The provider's storage, in memory and its own (the package's built-in one is shared by every provider in a
 * process, and announces itself as unfit for production on every start). Nothing outlives the test: no expiry.
 */
function memoryStore() {
  const rows = new Map<string, Payload>();
  return (model: string) => ({
    upsert: async (id: string, payload: Payload) => void rows.set(`${model}:${id}`, payload),
    find: async (id: string) => rows.get(`${model}:${id}`),
    findByUid: async (uid: string) =>
      [...rows].find(([key, payload]) => key.startsWith(`${model}:`) && payload.uid === uid)?.[1],
    findByUserCode: async () => undefined,
    consume: async (id: string) => {
      rows.get(`${model}:${id}`)!.consumed = Math.floor(Date.now() / 1000);
    },
    destroy: async (id: string) => void rows.delete(`${model}:${id}`),
    revokeByGrantId: async (grantId: string) => {
      for (const [key, payload] of rows) if (payload.grantId === grantId) rows.delete(key);
    },
  });
}

/** A port free on 127.0.0.1 now (the API's callback URL must be known before the API listens). */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The API with single sign-on through a test provider started for it, and the provider. */
export async function startApiWithProvider(
  options: { clock?: Clock; config?: Partial<ConcordConfig>; usernameClaim?: string } = {},
): Promise<{ api: TestApi; idp: TestProvider; oidc: OidcConfig }> {
  const port = await freePort();
  const redirectUrl = `http://127.0.0.1:${port}/api/v1/session/oidc/callback`;
  const idp = await startTestProvider(redirectUrl);
  const oidc: OidcConfig = {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    usernameClaim: options.usernameClaim ?? 'preferred_username',
    redirectUrl,
  };
  try {
    const api = await startTestApi({ clock: options.clock, port, config: { ...options.config, oidc } });
    return { api, idp, oidc };
  } catch (error) {
    await idp.close();
    throw error;
  }
}

/** One cookie as a browser keeps it. */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * A browser over fetch: a cookie jar for 127.0.0.1 (cookies are per host, not per port, so the provider's and
 * Concord's share it, as in a real browser), honouring Path and Max-Age=0, and redirects followed by hand.
 */
export class TestBrowser {
  private readonly jar: StoredCookie[] = [];

  /** The cookies a request to `url` would carry, as a Cookie header (most specific path first). */
  cookieHeader(url: string): string {
    const path = new URL(url).pathname;
    return this.jar
      .filter((c) => pathMatches(path, c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  cookie(name: string): string | undefined {
    return this.jar.find((c) => c.name === name)?.value;
  }

  /** One request, its redirect not followed; the cookies it sets are kept. */
  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = this.cookieHeader(url);
    const response = await fetch(url, { redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });
    this.keep(url, response.headers.getSetCookie());
    return response;
  }

  /**
   * Follows redirects from `url`, logging in at the provider's login page as `account`, until the browser is sent
   * to a URL starting with `stopAt` (not requested), which is answered; or until an answer that is not a redirect,
   * which is an error.
   */
  async follow(url: string, stopAt: string, account: string): Promise<string> {
    let next = url;
    for (let hop = 0; hop < 20; hop++) {
      if (next.startsWith(stopAt)) return next;
      const at = new URL(next);
      if (at.pathname.startsWith('/interaction/') && !at.searchParams.has('login'))
        at.searchParams.set('login', account);
      const response = await this.get(at.href);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location)
        throw new Error(`${at.href} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
      await response.body?.cancel();
      next = new URL(location, at).href;
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }

  private keep(url: string, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';').map((p) => p.trim());
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attribute('path') ?? defaultPath(new URL(url).pathname);
      const expires = attribute('expires');
      const gone = attribute('max-age') === '0' || (expires !== undefined && Date.parse(expires) <= Date.now());
      const index = this.jar.findIndex((c) => c.name === name && c.path === path);
      if (index >= 0) this.jar.splice(index, 1);
      if (!gone) this.jar.push({ name, value, path });
    }
  }
}

/** RFC 6265 §5.1.4. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** RFC 6265 §5.1.4: the directory of the request path. */
function defaultPath(path: string): string {
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}
