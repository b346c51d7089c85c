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
