import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '#clock';
import type { ConcordConfig } from '#config';
import { DomainError, ErrorCode, type Principal, type UserRole } from '#domain';
import { uuidv7, type Database } from '#persistence';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords.js';
import type { ClientOrigin, SecurityLog } from './security-log.js';
import { lockoutMs } from './sign-in-throttle.js';

/** A session just begun: the cookie's token and the CSRF token, each shown to the client only now. */
export interface NewSession {
  token: string;
  csrfToken: string;
  maxAgeSeconds: number;
  me: Me;
}

/** How a session began (`user_sessions.via`). */
export type SignInMethod = 'password' | 'oidc';

/** The account a session begins for, as read from `users`. */
export interface SigningIn {
  id: string;
  name: string;
  roles: UserRole[];
  unit_code: string | null;
}

/** A signed-in person, as `GET /me` shows it. */
export interface Me {
  id: string;
  username: string;
  name: string;
  roles: UserRole[];
  unitCode: string | null;
  departmentCode: string | null;
  mustChangePassword: boolean;
  session: { id: string; createdAt: string; expiresAt: string };
}

/** The one answer to every failed sign-in, whatever failed: it says nothing about which accounts exist. */
export const SIGN_IN_FAILED = 'The username or password is wrong, or the account cannot sign in now.';

/** A session's `last_seen_at` is written at most this often. */
const TOUCH_EVERY_MS = 60_000;

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The back-off row of an account: `user:` and a keyed digest of the username as typed (lower case). People type
 * their password into the username field by mistake; a failed sign-in must not keep that text readable.
 */
export const accountThrottleKey = (dataKey: string, username: string) =>
  `user:${createHmac('sha256', dataKey).update(username.trim().toLowerCase()).digest('hex')}`;
/** `cs_` and 43 base64url characters (32 random bytes): tells a session token from an API key (`ck_`). */
const newToken = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

interface SessionRow {
  session_id: string;
  csrf_hash: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  user_id: string;
  username: string;
  name: string;
  roles: UserRole[];
  unit_code: string | null;
  department_code: string | null;
  must_change_password: boolean;
  path: string | null;
}

/** The person of a session row, as `GET /me` shows it. */
const meOf = (row: Omit<SessionRow, 'csrf_hash' | 'last_seen_at' | 'path'>): Me => ({
  id: row.user_id,
  username: row.username,
  name: row.name,
  roles: row.roles,
  unitCode: row.unit_code,
  departmentCode: row.department_code,
  mustChangePassword: row.must_change_password,
  session: { id: row.session_id, createdAt: row.created_at.toISOString(), expiresAt: row.expires_at.toISOString() },
});

/** A person's session, authenticated: the principal (its `role` set per route by the guard) and its CSRF check. */
export interface SessionPrincipal {
  principal: Principal;
  me: Me;
  csrfMatches(token: string | undefined): boolean;
}

/**
 * Sign-in with a username and password, and the server-side sessions it (and single sign-on, oidc.service.ts)
 * begins. Failed attempts back off per
 * account and per client address (sign-in-throttle.ts). Every failure — unknown user, wrong password, locked,
 * disabled, no password — answers the same and costs the same argon2 verification, so neither the answer nor its
 * time tells which accounts exist. Every sign-in, failure and sign-out is in the security log.
 */
export class SessionsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Pick<ConcordConfig, 'sessionIdleMinutes' | 'sessionMaxHours' | 'dataKey'>,
    private readonly securityLog: SecurityLog,
  ) {}

  async signIn(username: string, password: string, origin: ClientOrigin): Promise<NewSession> {
    const name = username.trim().toLowerCase();
    const now = this.clock.now();
    const keys = [accountThrottleKey(this.config.dataKey, name), `address:${origin.address ?? 'unknown'}`];
    const locks = await this.db.query<{ key: string }>(
      `SELECT key FROM sign_in_failures WHERE key = ANY ($1) AND locked_until > $2`,
      [keys, now],
    );
    const [user] = await this.db.query<{
      id: string;
      password_hash: string | null;
      disabled_at: Date | null;
      unit_code: string | null;
      name: string;
      roles: UserRole[];
    }>(`SELECT id, password_hash, disabled_at, unit_code, name, roles FROM users WHERE lower(username) = $1`, [name]);
    let reason: string | null = null;
    if (locks.length) reason = 'locked';
    else if (!user) reason = 'unknown_user';
    else if (user.disabled_at !== null) reason = 'disabled';
    else if (user.password_hash === null) reason = 'no_password';
    const verified =
      reason === null ? await verifyPassword(password, user!.password_hash!) : await verifyAgainstDummy(password);
    if (!verified) {
      reason ??= 'wrong_password';
      await this.db.transaction(async () => {
        // An attempt while locked is not verified, so it is not counted: the lock doubles with each real failure.
        const counts =
          reason === 'locked'
            ? []
            : await this.db.query<{ key: string; failures: number }>(
                `INSERT INTO sign_in_failures AS f (key, failures, last_at, locked_until)
                 SELECT k, 1, $2, NULL FROM unnest($1::text[]) AS k
                 ON CONFLICT (key) DO UPDATE SET failures = f.failures + 1, last_at = $2
                 RETURNING key, failures`,
                [keys, now],
              );
        for (const { key, failures } of counts) {
          const ms = lockoutMs(failures);
          if (ms > 0)
            await this.db.query(`UPDATE sign_in_failures SET locked_until = $2 WHERE key = $1`, [
              key,
              new Date(now.getTime() + ms),
            ]);
        }
        await this.securityLog.record(
          { id: null, role: 'system', name: 'sign-in' },
          {
            action: 'session.sign_in_failed',
            // An unknown username is not logged: it may be a password typed into the wrong field.
            subject: { type: 'user', id: user?.id ?? 'unknown' },
            unitCode: user?.unit_code ?? null,
            detail: { reason, locks: reason === 'locked' || counts.some((c) => lockoutMs(c.failures) > 0) },
          },
          origin,
        );
      });
      throw new DomainError(ErrorCode.Unauthenticated, SIGN_IN_FAILED);
    }
    // A success clears the account's failures, in the session's transaction.
    const session = await this.db.transaction(async () => {
      await this.db.query(`DELETE FROM sign_in_failures WHERE key = $1`, [keys[0]]);
      return this.beginSession(user!, 'password', origin);
    });
    // Hashes made with older parameters are upgraded while the password is at hand.
    if (needsRehash(user!.password_hash!))
      await this.db.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [
        user!.id,
        await hashPassword(password),
      ]);
    return session;
  }

  /**
   * Begins a session for a person who has proved who they are, by password or through single sign-on: the session
   * row and its `session.signed_in` entry commit together (in the caller's transaction, when there is one).
   */
  async beginSession(user: SigningIn, via: SignInMethod, origin: ClientOrigin): Promise<NewSession> {
    const now = this.clock.now();
    const token = newToken('cs_');
    const csrfToken = newToken('');
    const maxAgeSeconds = this.config.sessionMaxHours * 3600;
    const sessionId = uuidv7(now.getTime());
    return this.db.transaction(async () => {
      await this.db.query(
        `INSERT INTO user_sessions (id, token_hash, csrf_hash, user_id, via, created_at, last_seen_at, expires_at,
                                    client_address, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)`,
        [
          sessionId,
          tokenHash(token),
          tokenHash(csrfToken),
          user.id,
          via,
          now,
          new Date(now.getTime() + maxAgeSeconds * 1000),
          origin.address,
          origin.userAgent?.slice(0, 400) ?? null,
        ],
      );
      await this.securityLog.record(
        { id: user.id, role: user.roles[0]!, name: user.name },
        {
          action: 'session.signed_in',
          subject: { type: 'user', id: user.id },
          unitCode: user.unit_code,
          detail: { via, sessionId },
        },
        origin,
      );
      const session = await this.authenticate(token);
      return { token, csrfToken, maxAgeSeconds, me: session!.me };
    });
  }

  /**
   * The person behind a session token, if the session is live: not revoked, not past its absolute or idle
   * expiry, its account enabled and its roles unchanged since it began. Null otherwise.
   */
  async authenticate(token: string): Promise<SessionPrincipal | null> {
    if (!token.startsWith('cs_') || token.length > 100) return null;
    const now = this.clock.now();
    const idleSince = new Date(now.getTime() - this.config.sessionIdleMinutes * 60_000);
    const [row] = await this.db.query<SessionRow>(
      `SELECT s.id AS session_id, s.csrf_hash, s.created_at, s.last_seen_at, s.expires_at, u.id AS user_id,
              u.username, u.name, u.roles, u.unit_code, u.department_code, u.must_change_password, un.path
         FROM user_sessions s JOIN users u ON u.id = s.user_id LEFT JOIN units un ON un.code = u.unit_code
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3
          AND u.disabled_at IS NULL AND u.roles_changed_at <= s.created_at`,
      [tokenHash(token), now, idleSince],
    );
    if (!row) return null;
    if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_EVERY_MS)
      await this.db.query(`UPDATE user_sessions SET last_seen_at = $2 WHERE id = $1`, [row.session_id, now]);
    return {
      me: meOf(row),
      principal: {
        id: row.user_id,
        name: row.name,
        role: row.roles[0]!,
        unitCode: row.unit_code,
        scope: row.path,
        departmentCode: row.department_code,
        session: { id: row.session_id, roles: row.roles, mustChangePassword: row.must_change_password },
      },
      csrfMatches: (given) => {
        if (typeof given !== 'string' || given.length > 100) return false;
        const a = Buffer.from(tokenHash(given));
        const b = Buffer.from(row.csrf_hash);
        return a.length === b.length && timingSafeEqual(a, b);
      },
    };
  }

  /**
   * Which of these sessions are still live, by the rules of `authenticate`, without counting as activity: a
   * long-lived connection (a notice stream) checks that its session lasts, and does not keep it from going idle.
   */
  async liveSessions(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const now = this.clock.now();
    const idleSince = new Date(now.getTime() - this.config.sessionIdleMinutes * 60_000);
    const rows = await this.db.query<{ id: string }>(
      `SELECT s.id FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3
          AND u.disabled_at IS NULL AND u.roles_changed_at <= s.created_at`,
      [ids, now, idleSince],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** The signed-in person of a session principal, as `GET /me` shows it. */
  async me(principal: Principal): Promise<Me> {
    const [row] = await this.db.query<Omit<SessionRow, 'csrf_hash' | 'last_seen_at' | 'path'>>(
      `SELECT s.id AS session_id, s.created_at, s.expires_at, u.id AS user_id, u.username, u.name, u.roles,
              u.unit_code, u.department_code, u.must_change_password
         FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [principal.session!.id],
    );
    return meOf(row!);
  }

  /** Ends the session (sign-out); a second sign-out of it changes nothing. */
  async signOut(principal: Principal, origin: ClientOrigin): Promise<void> {
    if (!principal.session) return;
    await this.db.transaction(async () => {
      const ended = await this.db.query(
        `UPDATE user_sessions SET revoked_at = $2, revoked_reason = 'signed_out'
          WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
        [principal.session!.id, this.clock.now()],
      );
      if (ended.length)
        await this.securityLog.record(
          principal,
          {
            action: 'session.signed_out',
            subject: { type: 'user', id: principal.id },
            unitCode: principal.unitCode,
            detail: { sessionId: principal.session!.id },
          },
          origin,
        );
    });
  }
}
