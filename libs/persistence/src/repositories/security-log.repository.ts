import type { Database } from '../database.js';
import { SecurityLogEntity } from '../entities/security-log.entity.js';

/** The append-only security log (keys created, revoked, rotated). */
export class SecurityLogRepository {
  constructor(private readonly db: Database) {}

  async append(entry: SecurityLogEntity): Promise<void> {
    await this.db.orm((m) => m.insert(SecurityLogEntity, entry));
  }

  /** A page, newest first, after `after` (the last entry's instant and id), of the entries that pass every filter. */
  list(filter: {
    unitCodes: string[] | null;
    action: string | null;
    actorId: string | null;
    /** Instants, as given (validated upstream). */
    from: string | null;
    to: string | null;
    after: { at: Date; id: string } | null;
    limit: number;
  }): Promise<SecurityLogEntity[]> {
    return this.db.orm((m) => {
      const q = m.createQueryBuilder(SecurityLogEntity, 'l');
      if (filter.unitCodes !== null) q.andWhere('l.unitCode = ANY(:unitCodes)', { unitCodes: filter.unitCodes });
      if (filter.action !== null) q.andWhere('l.action = :action', { action: filter.action });
      if (filter.actorId !== null) q.andWhere('l.actorId = :actorId', { actorId: filter.actorId });
      if (filter.from !== null) q.andWhere('l.at >= :from', { from: filter.from });
      if (filter.to !== null) q.andWhere('l.at < :to', { to: filter.to });
      if (filter.after !== null)
        q.andWhere('(l.at, l.id) < (:afterAt, :afterId::uuid)', { afterAt: filter.after.at, afterId: filter.after.id });
      return q.orderBy('l.at', 'DESC').addOrderBy('l.id', 'DESC').limit(filter.limit).getMany();
    });
  }
}
