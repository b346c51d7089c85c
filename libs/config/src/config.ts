import ipaddr from 'ipaddr.js';

/** Everything Concord reads from its environment, read once at start-up (docs/operations.md, "Configuration"). */
export interface ConcordConfig {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** A person's session ends after this many idle minutes (`CONCORD_SESSION_IDLE_MINUTES`, default 30). */
  sessionIdleMinutes: number;
  /** …and this many hours after sign-in whatever happens (`CONCORD_SESSION_MAX_HOURS`, default 12). */
  sessionMaxHours: number;
  /**
   * How often an open notice stream (GET /me/notices/stream) gets a comment line, reads its inbox again and has its
   * session checked (`CONCORD_NOTICE_HEARTBEAT_SECONDS`, default 25: under the usual 30–60 s idle timeout of proxies).
   */
  noticeHeartbeatSeconds?: number;
  /** Session cookies are `Secure` (HTTPS only): when NODE_ENV=production. */
  secureCookies: boolean;
  /**
   * On a deployment without staff accounts, the API makes the account `admin` with this one-time password
   * (`CONCORD_FIRST_ADMIN_PASSWORD`; `npm start` sets it), to be changed at the first sign-in.
   */
  firstAdminPassword?: string | null;
  /** Single sign-on through the government's identity platform (统一身份认证); null or absent: off. */
  oidc?: OidcConfig | null;
  /** Bootstraps the first admin key; admins create the others. */
  adminKey: string | null;
  /** Encrypts party PII at rest and keys its digests. */
  dataKey: string;
  /** Prefix of every BullMQ key, so several deployments can share one Redis. */
  queuePrefix: string;
  dbPoolSize: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /**
   * The queues this worker process consumes (`CONCORD_WORKER_CONSUMES`, comma-separated; `none` for a
   * relay-only worker). Default: all. Lets relays and consumers scale separately.
   */
  workerConsumes: string[] | 'all';
  /** How often the worker re-checks that every pending deadline has its timer in Redis. */
  reconcileIntervalMs: number;
  /**
   * How long a worker holds a job before BullMQ considers it stalled (its worker died) and runs it again
   * elsewhere: the longest a crash can delay a deadline.
   */
  jobLockMs: number;
  /** Webhook deliveries: attempts before a delivery is dead-lettered, first retry delay (doubling), request timeout. */
  webhookAttempts: number;
  webhookBackoffMs: number;
  webhookTimeoutMs: number;
  /**
   * How long an `Idempotency-Key` is remembered (`CONCORD_IDEMPOTENCY_TTL_HOURS`): a retry within the window
   * gets the first answer; after it, the same key is a new request. The worker purges expired records.
   */
  idempotencyTtlHours: number;
  /**
   * Private networks webhooks may reach (`CONCORD_WEBHOOK_ALLOW_PRIVATE`): CIDRs or single addresses, for
   * on-premise networks whose receivers sit on private addresses. Empty: webhooks reach public addresses only.
   */
  webhookAllowPrivate: string[];
  /** Webhook URLs must be https: in production (`NODE_ENV=production`). */
  webhookRequireHttps: boolean;
  /**
   * Which reverse proxies to believe about the client's address (`CONCORD_TRUST_PROXY`): `true`, or
   * comma-separated addresses/CIDRs, as Fastify's `trustProxy` takes them. Unset: none, so behind a proxy the
   * public rate limit sees the proxy's address.
   */
  trustProxy?: boolean | string;
  /**
   * The worker's own HTTP port for `/metrics` and its health probes (`CONCORD_WORKER_METRICS_PORT`, default 9464;
   * `0` turns it off). In a config object, null or absent is off and 0 is any free port (tests).
   */
  workerMetricsPort?: number | null;
  /** `CONCORD_LOG_LEVEL`: trace, debug, info (default), warn, error, fatal or silent. */
  logLevel?: LogLevelName;
  /**
   * Readiness fails while the oldest outbox row not yet relayed is older than this (`CONCORD_OUTBOX_STALL_SECONDS`,
   * default 120): no relay runs, or it cannot keep up.
   */
  outboxStallSeconds?: number;
  /**
   * The machine version new cases of a kind start on, where a deployment holds a kind back
   * (`CONCORD_NEW_CASES_START_ON`, e.g. `petition=1`: until its staff are trained on version 2). Kinds not named
   * start on the version Concord starts them on. The engine refuses a version it does not have at start-up.
   */
  newCasesStartOn?: Readonly<Record<string, number>>;
}

/**
 * An OpenID Connect provider people sign in through (authorization code with PKCE). Read from `CONCORD_OIDC_*`;
 * `CONCORD_OIDC_ISSUER` unset turns single sign-on off.
 */
export interface OidcConfig {
  /** The provider's issuer identifier (`CONCORD_OIDC_ISSUER`): https, or http on a loopback address only. */
  issuer: string;
  /** Concord's client id and secret at the provider (`CONCORD_OIDC_CLIENT_ID`, `CONCORD_OIDC_CLIENT_SECRET`). */
  clientId: string;
  clientSecret: string;
  /**
   * The ID-token (or userinfo) claim whose value is the Concord account's `username` (`CONCORD_OIDC_USERNAME_CLAIM`,
   * default `preferred_username`).
   */
  usernameClaim: string;
  /**
   * The public URL of `GET /api/v1/session/oidc/callback` as the provider redirects browsers to it
   * (`CONCORD_OIDC_REDIRECT_URL`), registered at the provider for this client.
   */
  redirectUrl: string;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConcordConfig {
  const required = (name: string, hint: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new ConfigError(`${name} is not set. ${hint}`);
    return value;
  };
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new ConfigError(`${name} must be a positive integer, not "${raw}".`);
    return value;
  };
  const dataKey = required(
    'CONCORD_DATA_KEY',
    '`npm start` generates one; in production, set a secret of 32+ characters.',
  );
  if (dataKey.length < 16) throw new ConfigError('CONCORD_DATA_KEY must be at least 16 characters.');
  const adminKey = env.CONCORD_ADMIN_KEY?.trim() || null;
  if (adminKey !== null && adminKey.length < 20)
    throw new ConfigError('CONCORD_ADMIN_KEY must be at least 20 characters.');
  return {
    port: int('PORT', 3000),
    databaseUrl: required('DATABASE_URL', '`npm start` runs an embedded PostgreSQL when it is unset.'),
    redisUrl: required('REDIS_URL', '`npm start` finds or starts a local Redis when it is unset.'),
    adminKey,
    dataKey,
    queuePrefix: env.CONCORD_QUEUE_PREFIX?.trim() || 'concord',
    dbPoolSize: int('CONCORD_DB_POOL_SIZE', 20),
    bodyLimit: int('CONCORD_BODY_LIMIT', 1_048_576),
    workerConsumes: consumes(env.CONCORD_WORKER_CONSUMES),
    reconcileIntervalMs: int('CONCORD_RECONCILE_INTERVAL_MS', 120_000),
    jobLockMs: int('CONCORD_JOB_LOCK_MS', 30_000),
    webhookAttempts: int('CONCORD_WEBHOOK_ATTEMPTS', 8),
    webhookBackoffMs: int('CONCORD_WEBHOOK_BACKOFF_MS', 10_000),
    webhookTimeoutMs: int('CONCORD_WEBHOOK_TIMEOUT_MS', 10_000),
    idempotencyTtlHours: int('CONCORD_IDEMPOTENCY_TTL_HOURS', 24),
    webhookAllowPrivate: networks('CONCORD_WEBHOOK_ALLOW_PRIVATE', env.CONCORD_WEBHOOK_ALLOW_PRIVATE),
    webhookRequireHttps: env.NODE_ENV?.trim() === 'production',
    trustProxy: trustProxy(env.CONCORD_TRUST_PROXY),
    workerMetricsPort: port('CONCORD_WORKER_METRICS_PORT', env.CONCORD_WORKER_METRICS_PORT, 9464),
    logLevel: logLevel(env.CONCORD_LOG_LEVEL),
    outboxStallSeconds: int('CONCORD_OUTBOX_STALL_SECONDS', 120),
    newCasesStartOn: startVersions(env.CONCORD_NEW_CASES_START_ON),
    sessionIdleMinutes: int('CONCORD_SESSION_IDLE_MINUTES', 30),
    sessionMaxHours: int('CONCORD_SESSION_MAX_HOURS', 12),
    noticeHeartbeatSeconds: int('CONCORD_NOTICE_HEARTBEAT_SECONDS', 25),
    secureCookies: env.NODE_ENV?.trim() === 'production',
    firstAdminPassword: env.CONCORD_FIRST_ADMIN_PASSWORD?.trim() || null,
    oidc: oidcSettings(env),
  };
}

/**
 * The single sign-on settings, or null when `CONCORD_OIDC_ISSUER` is unset. The issuer and the redirect URL must be
 * https: tokens and codes cross them. Plain http is admitted on a loopback address only, where nothing crosses a
 * network (a provider started beside Concord for a test or a demonstration).
 */
export function oidcSettings(env: NodeJS.ProcessEnv): OidcConfig | null {
  const issuer = env.CONCORD_OIDC_ISSUER?.trim();
  if (!issuer) return null;
  const needed = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new ConfigError(`${name} is not set; single sign-on (CONCORD_OIDC_ISSUER) needs it.`);
    return value;
  };
  const usernameClaim = env.CONCORD_OIDC_USERNAME_CLAIM?.trim() || 'preferred_username';
  const settings: OidcConfig = {
    issuer: webUrl('CONCORD_OIDC_ISSUER', issuer),
    clientId: needed('CONCORD_OIDC_CLIENT_ID'),
    clientSecret: needed('CONCORD_OIDC_CLIENT_SECRET'),
    usernameClaim,
    redirectUrl: webUrl('CONCORD_OIDC_REDIRECT_URL', needed('CONCORD_OIDC_REDIRECT_URL')),
  };
  const issuerUrl = new URL(settings.issuer);
  if (issuerUrl.search) throw new ConfigError('CONCORD_OIDC_ISSUER must have no query string.');
  // Given the discovery document's own URL, the client would not check the issuer the document names.
  if (issuerUrl.pathname.includes('/.well-known/'))
    throw new ConfigError('CONCORD_OIDC_ISSUER is the issuer identifier, not the URL of its discovery document.');
  return settings;
}

/** An absolute https URL without a fragment, or an http one on a loopback address; as given (not normalized). */
function webUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, not "${raw}".`);
  }
  if (url.hash || url.username || url.password)
    throw new ConfigError(`${name} must have no fragment and no user name or password in it.`);
  if (url.protocol === 'https:') return raw;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return raw;
  throw new ConfigError(`${name} must be an https URL (http only on a loopback address), not "${raw}".`);
}

/** 127.0.0.0/8, ::1 or `localhost` (which resolves to them alone, RFC 6761). */
function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const address = hostname.replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'loopback';
}

/** A TCP port to listen on; `0` turns the listener off (null). */
function port(name: string, raw: string | undefined, fallback: number): number | null {
  const value = raw?.trim();
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new ConfigError(`${name} must be a port (0 turns it off), not "${raw}".`);
  return n === 0 ? null : n;
}

function logLevel(raw: string | undefined): LogLevelName {
  const value = raw?.trim().toLowerCase();
  if (!value) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new ConfigError(`CONCORD_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${raw}".`);
  return value as LogLevelName;
}

/**
 * Comma-separated CIDRs or addresses, each checked here so a typo stops start-up instead of silently admitting
 * nothing (or too much). Host names are refused: the check is made on the address a webhook connects to, and
 * a name would let whoever answers for it in DNS decide which private addresses are reachable. A name that
 * resolves into a listed network is admitted through that network.
 */
function networks(name: string, raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const valid = entry.includes('/')
      ? ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) || ipaddr.IPv6.isValidCIDR(entry)
      : ipaddr.IPv4.isValidFourPartDecimal(entry) || ipaddr.IPv6.isValid(entry);
    if (!valid)
      throw new ConfigError(`${name}: "${entry}" is not an IP address or CIDR (host names are not accepted).`);
  }
  return entries;
}

function trustProxy(raw: string | undefined): boolean | string {
  const value = raw?.trim();
  if (!value || value === 'false') return false;
  return value === 'true' ? true : value;
}

function consumes(raw: string | undefined): string[] | 'all' {
  const value = raw?.trim();
  if (!value || value === 'all') return 'all';
  if (value === 'none') return [];
  return value
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
}

/** `kind=version` pairs, comma-separated: `petition=1,dispute=2`. */
function startVersions(raw: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of (raw ?? '').split(',').map((e) => e.trim())) {
    if (!entry) continue;
    const match = /^([a-z_]+)=([1-9]\d{0,3})$/.exec(entry);
    if (!match) {
      throw new ConfigError(
        `CONCORD_NEW_CASES_START_ON: "${entry}" is not kind=version (e.g. petition=1), in "${raw ?? ''}".`,
      );
    }
    out[match[1]!] = Number(match[2]);
  }
  return out;
}

/** Nest injection token of the loaded ConcordConfig. */
export const CONCORD_CONFIG = 'CONCORD_CONFIG';
