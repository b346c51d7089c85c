import type { Database } from '../database.js';
import { DeliveryEntity } from '../entities/delivery.entity.js';
import { hydrate } from './hydrate.js';

/** A delivery without its body. */
export type DeliverySummary = Omit<DeliveryEntity, 'body'>;

/** Every column but the body: lists never carry it. */
const SUMMARY: Array<keyof DeliveryEntity> = [
  'id',
  'referralId',
  'caseId',
  'departmentCode',
  'seq',
  'type',
  'status',
  'attempts',
  'generation',
  'lastStatus',
  'lastError',
  'createdAt',
  'lastAttemptAt',
  'deliveredAt',
  'deadAt',
];
const SUMMARY_COLUMNS = [
  'id',
  'referral_id',
  'case_id',
  'department_code',
  'seq',
  'type',
  'status',
  'attempts',
  'generation',
  'last_status',
  'last_error',
  'created_at',
  'last_attempt_at',
  'delivered_at',
  'dead_at',
];

/** The deliveries of cases owned within the unit path `:scope`; every delivery when the scope is null. */
const inScope = (caseId: string, scope: string | null) =>
  scope === null
    ? '1 = 1'
    : `EXISTS (SELECT 1 FROM cases c JOIN units u ON u.code = c.unit_code
                WHERE c.id = ${caseId} AND starts_with(u.path, :scope))`;

/** Sets a delivery going again from attempt 1, as a new generation; the job of the old one finds it stale. */
const REARM = {
  status: 'pending',
  attempts: 0,
  generation: () => 'generation + 1',
  lastStatus: null,
  lastError: null,
  deadAt: null,
};

/** Webhook deliveries, as administrators list and replay them (the sender keeps its own statements). */
export class DeliveriesRepository {
  constructor(private readonly db: Database) {}

  /** A page, newest first, before `before` (an id), of the deliveries in `scope` that pass every given filter. */
  list(filter: {
    status: string | null;
    departmentCode: string | null;
    referralId: string | null;
    before: string | null;
    scope: string | null;
    limit: number;
  }): Promise<DeliverySummary[]> {
    return this.db.orm((m) => {
      const q = m
        .createQueryBuilder(DeliveryEntity, 'd')
        .select(SUMMARY.map((p) => `d.${p}`))
        .where(inScope('d.case_id', filter.scope), { scope: filter.scope });
      if (filter.status !== null) q.andWhere('d.status = :status', { status: filter.status });
      if (filter.departmentCode !== null)
        q.andWhere('d.departmentCode = :departmentCode', { departmentCode: filter.departmentCode });
      if (filter.referralId !== null) q.andWhere('d.referralId = :referralId', { referralId: filter.referralId });
      if (filter.before !== null) q.andWhere('d.id < :before', { before: filter.before });
      return q.orderBy('d.id', 'DESC').limit(filter.limit).getMany();
    });
  }

  /** The delivery, with its body, when it is in `scope`. */
  find(id: string, scope: string | null): Promise<DeliveryEntity | null> {
    return this.db.orm((m) =>
      m
        .createQueryBuilder(DeliveryEntity, 'd')
        .where('d.id = :id', { id })
        .andWhere(inScope('d.case_id', scope), { scope })
        .getOne(),
    );
  }

  async exists(id: string, scope: string | null): Promise<boolean> {
    return (await this.find(id, scope)) !== null;
  }

  /** Re-arms the delivery if it is dead or pending and in `scope`; the delivery re-armed, or null. */
  async rearm(id: string, scope: string | null): Promise<DeliverySummary | null> {
    return this.db.orm(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(DeliveryEntity)
        .set(REARM)
        .where('id = :id', { id })
        .andWhere(`status IN ('dead', 'pending')`)
        .andWhere(inScope('deliveries.case_id', scope), { scope })
        .returning(SUMMARY_COLUMNS.join(', '))
        .execute();
      const [row] = result.raw as Record<string, unknown>[];
      return row ? hydrate(m, DeliveryEntity, row) : null;
    });
  }

  /** Re-arms every dead delivery in `scope` (of one department, if given); those re-armed. */
  async rearmDead(
    departmentCode: string | null,
    scope: string | null,
  ): Promise<Array<Pick<DeliveryEntity, 'id' | 'caseId' | 'generation'>>> {
    return this.db.orm(async (m) => {
      const q = m
        .createQueryBuilder()
        .update(DeliveryEntity)
        .set(REARM)
        .where(`status = 'dead'`)
        .andWhere(inScope('deliveries.case_id', scope), { scope });
      if (departmentCode !== null) q.andWhere('department_code = :departmentCode', { departmentCode });
      const result = await q.returning('id, case_id, generation').execute();
      return (result.raw as Record<string, unknown>[]).map((row) => hydrate(m, DeliveryEntity, row));
    });
  }
}
