import type { Clock } from '#clock';
import { DomainError, ErrorCode, type FieldError, type Principal, type UserRole } from '#domain';
import { cursorShape, uuidv7, type Cursors, type Database, type Page } from '#persistence';
import { hashPassword, oneTimePassword, passwordProblems, verifyPassword } from './passwords.js';
import type { ClientOrigin, SecurityActor, SecurityLog } from './security-log.js';

export interface NewUser {
  username: string;
  name: string;
  phone?: string | null;
  unitCode?: string | null;
  departmentCode?: string | null;
  roles: UserRole[];
  /** Omitted: a one-time password is made, shown once, and must be changed at the first sign-in. */
  password?: string;
  /** No password at all: the account signs in only through single sign-on. Not with `password`. */
  passwordless?: boolean;
}

export interface UserPatch {
  name?: string;
  phone?: string | null;
  roles?: UserRole[];
  disabled?: boolean;
}

/** A staff account as admins read it: never its password or hash. */
export interface UserView {
  id: string;
  username: string;
  name: string;
  phone: string | null;
  unitCode: string | null;
  departmentCode: string | null;
  roles: UserRole[];
  mustChangePassword: boolean;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface UserFilter {
  /** Users of this unit's subtree. */
  unitCode?: string;
  role?: UserRole;
  disabled?: boolean;
  cursor?: string;
  limit: number;
}

interface UserRow {
  id: string;
  username: string;
  name: string;
  phone: string | null;
  unit_code: string | null;
  department_code: string | null;
  roles: UserRole[];
  must_change_password: boolean;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
  path: string | null;
}

const toView = (r: UserRow): UserView => ({
  id: r.id,
  username: r.username,
  name: r.name,
  phone: r.phone,
  unitCode: r.unit_code,
  departmentCode: r.department_code,
  roles: r.roles,
  mustChangePassword: r.must_change_password,
  disabledAt: r.disabled_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const SELECT_USER = `
  SELECT u.id, u.username, u.name, u.phone, u.unit_code, u.department_code, u.roles, u.must_change_password,
         u.disabled_at, u.created_at, u.updated_at, un.path
    FROM users u LEFT JOIN units un ON un.code = u.unit_code`;

/** The roles a deployment-wide account may hold without a unit (as unscoped keys can). */
const UNSCOPED_ROLES: ReadonlySet<UserRole> = new Set(['admin', 'auditor']);

/**
 * Staff accounts. An admin manages the accounts of its subtree: one scoped to a unit creates, reads and changes
 * only accounts whose unit lies within it (any other is "not found"), and never a deployment-wide one. Every
 * creation, change of roles, disabling and password reset is written to the security log in the same transaction;
 * disabling or changing roles ends the account's sessions.
 */
export class UsersService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly securityLog: SecurityLog,
    private readonly cursors: Cursors,
  ) {}

  async create(
    request: NewUser,
    admin: Principal,
    origin: ClientOrigin | null,
  ): Promise<UserView & { oneTimePassword: string | null }> {
    const username = request.username.toLowerCase();
    const unitCode = request.unitCode ?? null;
    const departmentCode = request.departmentCode ?? null;
    const roles = [...new Set(request.roles)];
    const errors = scopeProblems(roles, unitCode, departmentCode);
    const passwordless = request.passwordless === true;
    if (passwordless && request.password !== undefined)
      errors.push({ field: 'passwordless', message: 'an account with a password is not passwordless' });
    else if (request.password !== undefined)
      errors.push(...passwordProblems(request.password, username).map((message) => ({ field: 'password', message })));
    if (errors.length) throw DomainError.validation(errors);
    const oneTime = request.password === undefined && !passwordless ? oneTimePassword() : null;
    const hash = passwordless ? null : await hashPassword(request.password ?? oneTime!);
    return this.db.transaction(async () => {
      await this.checkPlacement(unitCode, departmentCode, admin);
      const now = this.clock.now();
      const id = uuidv7(now.getTime());
      const inserted = await this.db.query<{ id: string }>(
        `INSERT INTO users (id, username, name, phone, unit_code, department_code, roles, password_hash,
                            must_change_password, created_at, created_by, updated_at, roles_changed_at,
                            password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $10, $12)
         ON CONFLICT ((lower(username))) DO NOTHING RETURNING id`,
        [
          id,
          username,
          request.name,
          request.phone ?? null,
          unitCode,
          departmentCode,
          roles,
          hash,
          oneTime !== null,
          now,
          admin.id,
          passwordless ? null : now,
        ],
      );
      if (!inserted.length) throw new DomainError(ErrorCode.Conflict, `The username ${username} is taken.`);
      await this.securityLog.record(
        admin,
        {
          action: 'user.created',
          subject: { type: 'user', id },
          unitCode,
          detail: { username, roles, unitCode, departmentCode, oneTimePassword: oneTime !== null, passwordless },
        },
        origin,
      );
      return { ...(await this.readOne(id)), oneTimePassword: oneTime };
    });
  }

  /** The accounts of the admin's subtree, newest first. */
  async list(filter: UserFilter, admin: Principal): Promise<Page<UserView>> {
    const before = this.cursors.decode('users', filter.cursor, cursorShape.uuid);
    let within: string | null = admin.scope;
    if (filter.unitCode) {
      const [unit] = await this.db.query<{ path: string }>(`SELECT path FROM units WHERE code = $1`, [filter.unitCode]);
      if (!unit || !inScope(admin, unit.path)) throw DomainError.notFound(`Unit ${filter.unitCode}`);
      within = unit.path;
    }
    const rows = await this.db.query<UserRow>(
      `${SELECT_USER}
        WHERE ($1::text IS NULL OR un.path LIKE $1 || '%')
          AND ($2::text IS NULL OR $2 = ANY (u.roles))
          AND ($3::boolean IS NULL OR (u.disabled_at IS NOT NULL) = $3)
          AND ($4::uuid IS NULL OR u.id < $4)
        ORDER BY u.id DESC
        LIMIT $5`,
      [within, filter.role ?? null, filter.disabled ?? null, before, filter.limit + 1],
    );
    const items = rows.slice(0, filter.limit).map(toView);
    return {
      items,
      nextCursor: rows.length > filter.limit && items.length ? this.cursors.encode('users', items.at(-1)!.id) : null,
    };
  }

  async get(id: string, admin: Principal): Promise<UserView> {
    return toView(await this.findInScope(id, admin));
  }

  async update(id: string, patch: UserPatch, admin: Principal, origin: ClientOrigin | null): Promise<UserView> {
    return this.db.transaction(async () => {
      const user = await this.findInScope(id, admin, true);
      const now = this.clock.now();
      const roles = patch.roles ? [...new Set(patch.roles)] : null;
      if (roles) {
        const errors = scopeProblems(roles, user.unit_code, user.department_code);
        if (errors.length) throw DomainError.validation(errors.map((e) => ({ ...e, field: 'roles' })));
      }
      const rolesChanged = roles !== null && [...roles].sort().join() !== [...user.roles].sort().join();
      const disabling = patch.disabled === true && user.disabled_at === null;
      const enabling = patch.disabled === false && user.disabled_at !== null;
      if (id === admin.id && (disabling || rolesChanged))
        throw DomainError.forbidden('An admin cannot disable its own account or change its own roles.');
      await this.db.query(
        `UPDATE users SET name = COALESCE($2, name),
                          phone = CASE WHEN $3 THEN $4 ELSE phone END,
                          roles = COALESCE($5, roles),
                          roles_changed_at = CASE WHEN $6 THEN $8 ELSE roles_changed_at END,
                          disabled_at = CASE WHEN $7 THEN $8 WHEN $9 THEN NULL ELSE disabled_at END,
                          updated_at = $8
          WHERE id = $1`,
        [
          id,
          patch.name ?? null,
          patch.phone !== undefined,
          patch.phone ?? null,
          rolesChanged ? roles : null,
          rolesChanged,
          disabling,
          now,
          enabling,
        ],
      );
      if (rolesChanged || disabling) await this.endSessions(id, disabling ? 'disabled' : 'roles_changed', now);
      const changes: Array<[string, Record<string, unknown>]> = [];
      if (rolesChanged) changes.push(['user.roles_changed', { from: user.roles, to: roles }]);
      if (disabling) changes.push(['user.disabled', {}]);
      if (enabling) changes.push(['user.enabled', {}]);
      if (patch.name !== undefined && patch.name !== user.name) changes.push(['user.updated', { fields: ['name'] }]);
      for (const [action, detail] of changes) {
        await this.securityLog.record(
          admin,
          { action: action as never, subject: { type: 'user', id }, unitCode: user.unit_code, detail },
          origin,
        );
      }
      return this.readOne(id);
    });
  }

  /** A new one-time password, shown once; the account's sessions end and it must change it at sign-in. */
  async resetPassword(id: string, admin: Principal, origin: ClientOrigin | null): Promise<{ oneTimePassword: string }> {
    const oneTime = oneTimePassword();
    const hash = await hashPassword(oneTime);
    await this.db.transaction(async () => {
      const user = await this.findInScope(id, admin, true);
      const now = this.clock.now();
      await this.db.query(
        `UPDATE users SET password_hash = $2, must_change_password = true, password_changed_at = $3, updated_at = $3
          WHERE id = $1`,
        [id, hash, now],
      );
      await this.endSessions(id, 'password_reset', now);
      await this.securityLog.record(
        admin,
        { action: 'user.password_reset', subject: { type: 'user', id }, unitCode: user.unit_code },
        origin,
      );
    });
    return { oneTimePassword: oneTime };
  }

  /** A person changes its own password, proving the current one; its other sessions end. */
  async changeOwnPassword(me: Principal, current: string, next: string, origin: ClientOrigin | null): Promise<void> {
    const [row] = await this.db.query<{ username: string; password_hash: string | null; unit_code: string | null }>(
      `SELECT username, password_hash, unit_code FROM users WHERE id = $1`,
      [me.id],
    );
    if (!row?.password_hash || !(await verifyPassword(current, row.password_hash)))
      throw DomainError.validation([{ field: 'currentPassword', message: 'is not the current password' }]);
    const problems = passwordProblems(next, row.username);
    if (next === current) problems.push('must differ from the current password');
    if (problems.length) throw DomainError.validation(problems.map((message) => ({ field: 'newPassword', message })));
    const hash = await hashPassword(next);
    await this.db.transaction(async () => {
      const now = this.clock.now();
      await this.db.query(
        `UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = $3, updated_at = $3
          WHERE id = $1`,
        [me.id, hash, now],
      );
      await this.db.query(
        `UPDATE user_sessions SET revoked_at = $2, revoked_reason = 'password_changed'
          WHERE user_id = $1 AND revoked_at IS NULL AND id <> $3`,
        [me.id, now, me.session?.id ?? null],
      );
      await this.securityLog.record(
        me,
        { action: 'user.password_changed', subject: { type: 'user', id: me.id }, unitCode: row.unit_code },
        origin,
      );
    });
  }

  /**
   * On a deployment without accounts, makes the first admin (`username`, deployment-wide) with `password` as its
   * one-time password, to be changed at the first sign-in. Returns whether it made one (false when any account
   * exists).
   */
  async bootstrapAdmin(username: string, password: string): Promise<boolean> {
    const hash = await hashPassword(password);
    return this.db.transaction(async () => {
      await this.db.query(`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`);
      const [{ n }] = (await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM users`)) as [{ n: string }];
      if (Number(n) > 0) return false;
      const now = this.clock.now();
      const id = uuidv7(now.getTime());
      await this.db.query(
        `INSERT INTO users (id, username, name, roles, password_hash, must_change_password, created_at, updated_at,
                            roles_changed_at, password_changed_at)
         VALUES ($1, $2, 'Administrator', ARRAY['admin'], $3, true, $4, $4, $4, $4)`,
        [id, username, hash, now],
      );
      const actor: SecurityActor = { id: null, role: 'system', name: 'npm start' };
      await this.securityLog.record(
        actor,
        {
          action: 'user.created',
          subject: { type: 'user', id },
          unitCode: null,
          detail: { username, roles: ['admin'], bootstrap: true },
        },
        null,
      );
      return true;
    });
  }

  private async endSessions(userId: string, reason: string, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE user_sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, now, reason],
    );
  }

  private async readOne(id: string): Promise<UserView> {
    const [row] = await this.db.query<UserRow>(`${SELECT_USER} WHERE u.id = $1`, [id]);
    return toView(row!);
  }

  /** The account, if it lies in the admin's subtree; else "not found", as for any other scoped read. */
  private async findInScope(id: string, admin: Principal, lock = false): Promise<UserRow> {
    const [row] = await this.db.query<UserRow>(`${SELECT_USER} WHERE u.id = $1${lock ? ' FOR UPDATE OF u' : ''}`, [id]);
    if (!row || !(admin.scope === null || (row.path !== null && inScope(admin, row.path))))
      throw DomainError.notFound(`User ${id}`);
    return row;
  }

  private async checkPlacement(unitCode: string | null, departmentCode: string | null, admin: Principal) {
    if (unitCode !== null) {
      const [unit] = await this.db.query<{ path: string; retired: boolean }>(
        `SELECT path, retired_at IS NOT NULL AS retired FROM units WHERE code = $1`,
        [unitCode],
      );
      if (!unit) throw DomainError.validation([{ field: 'unitCode', message: `unit ${unitCode} does not exist` }]);
      if (unit.retired)
        throw DomainError.validation([
          { field: 'unitCode', message: `unit ${unitCode} is retired and takes no one new` },
        ]);
      if (!inScope(admin, unit.path))
        throw DomainError.forbidden(
          `Unit ${unitCode} is outside your scope: you manage accounts of your subtree only.`,
        );
    } else if (admin.scope !== null) {
      throw DomainError.forbidden(
        'An admin scoped to a unit creates accounts within its subtree only: give a unitCode.',
      );
    }
    if (departmentCode !== null) {
      const [found] = await this.db.query(`SELECT 1 FROM departments WHERE code = $1`, [departmentCode]);
      if (!found)
        throw DomainError.validation([
          { field: 'departmentCode', message: `department ${departmentCode} does not exist` },
        ]);
    }
  }
}

const inScope = (admin: Principal, path: string) => admin.scope === null || path.startsWith(admin.scope);

/** Where an account with these roles may sit: department staff in a department; others in a unit, bar admins and auditors. */
function scopeProblems(roles: UserRole[], unitCode: string | null, departmentCode: string | null): FieldError[] {
  const errors: FieldError[] = [];
  if (roles.includes('department') !== (departmentCode !== null))
    errors.push({
      field: 'departmentCode',
      message: roles.includes('department') ? 'is required for department staff' : 'is only for department staff',
    });
  if (unitCode === null && departmentCode === null && roles.some((r) => !UNSCOPED_ROLES.has(r)))
    errors.push({ field: 'unitCode', message: 'is required unless every role is admin or auditor' });
  return errors;
}
