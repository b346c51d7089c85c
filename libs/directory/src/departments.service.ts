import { randomBytes } from 'node:crypto';
import { DomainError, ErrorCode, type DepartmentFunction, type Principal } from '#domain';
import type { Clock } from '#clock';
import type { EgressPolicy } from '#egress';
import type { PiiCipher } from '#parties';
import {
  cursorShape,
  DepartmentEntity,
  toPage,
  type Cursors,
  type Database,
  type DepartmentsRepository,
} from '#persistence';

export interface Department {
  code: string;
  name: string;
  categories: string[];
  webhookUrl: string | null;
  /** `discipline_inspection` for the body that receives accusations; null for the others. */
  function: DepartmentFunction | null;
  createdAt: Date;
}

/** How long the previous webhook secret keeps signing after a rotation, unless the rotation says otherwise. */
export const DEFAULT_SECRET_OVERLAP_HOURS = 24;
/** At most a week: long enough for a department's release cycle, short enough that an old secret does not linger. */
export const MAX_SECRET_OVERLAP_HOURS = 168;
const HOUR = 3_600_000;

/** What a department's PATCH changed: the security log's facts about it, never a secret. Absent: unchanged. */
export interface DepartmentChange {
  name?: { old: string; new: string };
  categories?: { old: string[]; new: string[] };
  /** The webhook URL changed (not its value: a URL may carry a token in its query). */
  webhookUrl?: true;
  /** The secret was rotated; the previous one signs too until `previousSecretValidUntil` (null: not at all). */
  secretRotated?: { overlapHours: number; previousSecretValidUntil: Date | null };
}

/** A department after its PATCH: the new webhook secret when it was rotated (shown this once), and the overlap. */
export interface UpdatedDepartment extends Department {
  /** The new secret, when this request rotated it; null otherwise. */
  webhookSecret: string | null;
  /** Until when the previous secret signs too (a rotation's overlap window); null outside one. */
  previousSecretValidUntil: Date | null;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((c) => b.includes(c));

const toDepartment = (r: DepartmentEntity): Department => ({
  code: r.code,
  name: r.name,
  categories: r.categories,
  webhookUrl: r.webhookUrl,
  function: r.function,
  createdAt: r.createdAt,
});

/** Departments (职能部门) and their responsibility lists (权责清单). Webhook secrets are stored encrypted. */
export class DepartmentsService {
  constructor(
    private readonly db: Database,
    private readonly departments: DepartmentsRepository,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    /** Where a webhook may point: checked here, and again by the worker on every connection. */
    private readonly egress: EgressPolicy,
    private readonly cursors: Cursors,
  ) {}

  /** Departments serve every unit of the deployment, so only an admin of every unit creates (or changes) them. */
  async create(
    input: {
      code: string;
      name: string;
      categories: string[];
      webhookUrl?: string;
      webhookSecret?: string;
      function?: DepartmentFunction;
    },
    by: Pick<Principal, 'scope'>,
  ): Promise<Department> {
    if (by.scope !== null)
      throw DomainError.forbidden(
        'Departments serve the whole deployment: only an admin of every unit may create one.',
      );
    if ((input.webhookUrl === undefined) !== (input.webhookSecret === undefined)) {
      throw DomainError.validation([{ field: 'webhookSecret', message: 'webhookUrl and webhookSecret go together' }]);
    }
    const refused = input.webhookUrl === undefined ? null : this.egress.refuseUrl(input.webhookUrl);
    if (refused) throw DomainError.validation([{ field: 'webhookUrl', message: refused }]);
    const department = Object.assign(new DepartmentEntity(), {
      code: input.code,
      name: input.name,
      categories: input.categories,
      webhookUrl: input.webhookUrl ?? null,
      webhookSecret: input.webhookSecret === undefined ? null : this.cipher.encrypt(input.webhookSecret),
      function: input.function ?? null,
      createdAt: this.clock.now(),
    });
    const taken = await this.departments.insertIfAbsent(department);
    if (taken === 'code') throw new DomainError(ErrorCode.Conflict, `Department ${input.code} already exists.`);
    if (taken === 'function')
      throw new DomainError(
        ErrorCode.Conflict,
        `Another department is already the ${input.function!.replace('_', '-')} body: a deployment has one.`,
      );
    return toDepartment(department);
  }

  /**
   * Marks the department as the one with `fn` (the discipline-inspection body), or unmarks it (null). Like
   * creating departments, only an admin of every unit does it; another department with `fn` is a 409.
   */
  async setFunction(code: string, fn: DepartmentFunction | null, by: Pick<Principal, 'scope'>): Promise<Department> {
    if (by.scope !== null)
      throw DomainError.forbidden(
        'Departments serve the whole deployment: only an admin of every unit may change one.',
      );
    const result = await this.departments.setFunction(code, fn);
    if (result === 'missing') throw DomainError.notFound(`Department ${code}`);
    if (result === 'taken')
      throw new DomainError(
        ErrorCode.Conflict,
        `Another department is already the ${fn!.replace('_', '-')} body: a deployment has one.`,
      );
    return toDepartment(result);
  }

  /**
   * Renames the department, replaces its responsibility list, points its webhook elsewhere and/or rotates its
   * webhook secret. Like creating departments, only an admin of every unit does it. A new responsibility list applies
   * to referrals made from then on; those already issued run on. A new URL passes the egress policy as at creation.
   * A rotation draws a new secret (returned this once) and, for `overlapHours` (0 to 168, default 24), keeps the
   * previous one signing next to it. Rotating again within a window keeps the secret from before the window, the one
   * the department's system is known to hold, and replaces the new one (whose answer may have been lost).
   * `audit` is called with what changed, in the same transaction, when anything did.
   */
  async update(
    code: string,
    input: { name?: string; categories?: string[]; webhookUrl?: string; rotateSecret?: { overlapHours?: number } },
    by: Pick<Principal, 'scope'>,
    audit: (change: DepartmentChange, department: Department) => Promise<void>,
  ): Promise<UpdatedDepartment> {
    if (by.scope !== null)
      throw DomainError.forbidden(
        'Departments serve the whole deployment: only an admin of every unit may change one.',
      );
    const refused = input.webhookUrl === undefined ? null : this.egress.refuseUrl(input.webhookUrl);
    if (refused) throw DomainError.validation([{ field: 'webhookUrl', message: refused }]);
    const overlapHours = input.rotateSecret?.overlapHours ?? DEFAULT_SECRET_OVERLAP_HOURS;
    if (
      input.rotateSecret &&
      (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > MAX_SECRET_OVERLAP_HOURS)
    )
      throw DomainError.validation([
        { field: 'rotateSecret.overlapHours', message: `must be a whole number from 0 to ${MAX_SECRET_OVERLAP_HOURS}` },
      ]);

    return this.db.transaction(async () => {
      const row = await this.departments.findLocked(code);
      if (!row) throw DomainError.notFound(`Department ${code}`);
      const now = this.clock.now();
      if (input.webhookUrl !== undefined && row.webhookSecret === null && !input.rotateSecret)
        throw DomainError.validation([
          {
            field: 'rotateSecret',
            message: 'the department has no webhook secret yet: send rotateSecret with webhookUrl to have one made',
          },
        ]);
      if (input.rotateSecret && row.webhookUrl === null && input.webhookUrl === undefined)
        throw DomainError.validation([
          { field: 'webhookUrl', message: 'the department has no webhook: send webhookUrl with rotateSecret' },
        ]);

      const change: DepartmentChange = {};
      const set: Parameters<DepartmentsRepository['update']>[1] = {};
      if (input.name !== undefined && input.name !== row.name) {
        change.name = { old: row.name, new: input.name };
        set.name = input.name;
      }
      if (input.categories !== undefined && !sameSet(input.categories, row.categories)) {
        change.categories = { old: row.categories, new: input.categories };
        set.categories = input.categories;
      }
      if (input.webhookUrl !== undefined && input.webhookUrl !== row.webhookUrl) {
        change.webhookUrl = true;
        set.webhookUrl = input.webhookUrl;
      }
      let secret: string | null = null;
      let previousUntil =
        row.webhookPreviousSecretUntil && row.webhookPreviousSecretUntil > now ? row.webhookPreviousSecretUntil : null;
      if (input.rotateSecret) {
        secret = `whsec_${randomBytes(32).toString('base64url')}`;
        // Within a window the secret from before it stays the previous one; otherwise the current one becomes it.
        const previous = previousUntil ? row.webhookPreviousSecret : row.webhookSecret;
        previousUntil = previous !== null && overlapHours > 0 ? new Date(now.getTime() + overlapHours * HOUR) : null;
        set.webhookSecret = this.cipher.encrypt(secret);
        set.webhookPreviousSecret = previousUntil ? previous : null;
        set.webhookPreviousSecretUntil = previousUntil;
        change.secretRotated = { overlapHours, previousSecretValidUntil: previousUntil };
      }

      const department = toDepartment(row);
      if (Object.keys(change).length === 0)
        return { ...department, webhookSecret: null, previousSecretValidUntil: previousUntil };
      await this.departments.update(code, set);
      const updated: Department = {
        ...department,
        name: set.name ?? department.name,
        categories: set.categories ?? department.categories,
        webhookUrl: set.webhookUrl ?? department.webhookUrl,
      };
      await audit(change, updated);
      return { ...updated, webhookSecret: secret, previousSecretValidUntil: previousUntil };
    });
  }

  async list(filter: {
    category?: string;
    cursor?: string;
    limit: number;
  }): Promise<{ items: Department[]; nextCursor: string | null }> {
    const rows = await this.departments.list({
      category: filter.category ?? null,
      after: this.cursors.decode('departments', filter.cursor, cursorShape.text),
      limit: filter.limit + 1,
    });
    return toPage(rows, filter.limit, toDepartment, (last) => this.cursors.encode('departments', last.code));
  }
}
