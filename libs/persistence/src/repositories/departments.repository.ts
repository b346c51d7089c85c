import type { DepartmentFunction } from '#domain';
import type { Database } from '../database.js';
import { DepartmentEntity } from '../entities/department.entity.js';

/** Departments and their responsibility lists. */
export class DepartmentsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Inserts the department unless one has its code, or (when it has a function) another already has that
   * function (`departments_function_key`): what was taken, or null when it was inserted.
   */
  async insertIfAbsent(department: DepartmentEntity): Promise<'code' | 'function' | null> {
    return this.db.orm(async (m) => {
      const result = await m
        .createQueryBuilder()
        .insert()
        .into(DepartmentEntity)
        .values(department)
        .orIgnore()
        .returning('code')
        .execute();
      if ((result.raw as unknown[]).length > 0) return null;
      return (await m.existsBy(DepartmentEntity, { code: department.code })) ? 'code' : 'function';
    });
  }

  /**
   * Gives the department `fn`, or none: the department after it, `missing` when there is no such department,
   * `taken` when another already has `fn` (`departments_function_key`, which also settles two admins racing).
   */
  async setFunction(code: string, fn: DepartmentFunction | null): Promise<DepartmentEntity | 'missing' | 'taken'> {
    try {
      const updated = await this.db.query('UPDATE departments SET function = $2 WHERE code = $1 RETURNING code', [
        code,
        fn,
      ]);
      if (updated.length === 0) return 'missing';
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (e.code === '23505' && e.constraint === 'departments_function_key') return 'taken';
      throw error;
    }
    return this.db.orm((m) => m.findOneByOrFail(DepartmentEntity, { code }));
  }

  /** The department, row-locked (FOR UPDATE) for the rest of the transaction, or null. */
  findLocked(code: string): Promise<DepartmentEntity | null> {
    return this.db.orm((m) =>
      m
        .createQueryBuilder(DepartmentEntity, 'd')
        .where('d.code = :code', { code })
        .setLock('pessimistic_write')
        .getOne(),
    );
  }

  /** Sets the given columns of the department (a field left undefined is kept). */
  async update(
    code: string,
    change: Partial<
      Pick<
        DepartmentEntity,
        'name' | 'categories' | 'webhookUrl' | 'webhookSecret' | 'webhookPreviousSecret' | 'webhookPreviousSecretUntil'
      >
    >,
  ): Promise<void> {
    const set = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    if (Object.keys(set).length) await this.db.orm((m) => m.update(DepartmentEntity, { code }, set));
  }

  async exists(code: string): Promise<boolean> {
    return this.db.orm((m) => m.existsBy(DepartmentEntity, { code }));
  }

  /** A page in code order, after `after`, of the departments that handle `category` (of all, without it). */
  list(filter: { category: string | null; after: string | null; limit: number }): Promise<DepartmentEntity[]> {
    return this.db.orm((m) => {
      const q = m.createQueryBuilder(DepartmentEntity, 'd');
      if (filter.category !== null) q.andWhere(':category = ANY(d.categories)', { category: filter.category });
      if (filter.after !== null) q.andWhere('d.code > :after', { after: filter.after });
      return q.orderBy('d.code', 'ASC').limit(filter.limit).getMany();
    });
  }
}
