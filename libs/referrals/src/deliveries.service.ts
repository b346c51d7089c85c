import { DomainError, ErrorCode, type Principal } from '#domain';
import type { Clock } from '#clock';
import { deliveryJob } from '#engine';
import { writeOutbox } from '#outbox';
import { cursorShape, toPage, type Cursors, type Database, type Page } from '#persistence';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A webhook delivery as admins see it: never the department's secret; the body only from `get`. */
export interface DeliveryView {
  /** Also the CloudEvent `id`: the same for every attempt and replay. */
  id: string;
  referralId: string;
  caseId: string;
  departmentCode: string;
  seq: number;
  /** The CloudEvent `type`, e.g. `cn.concord.referral.issued`. */
  type: string;
  status: DeliveryStatus;
  /** Attempts of the current generation. */
  attempts: number;
  /** How many times an admin replayed it. */
  generation: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  deadAt: string | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  departmentCode?: string;
  referralId?: string;
  cursor?: string;
  limit: number;
}

interface DeliveryRow {
  id: string;
  referral_id: string;
  case_id: string;
  department_code: string;
  seq: number;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  generation: number;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  dead_at: Date | null;
}

const COLUMNS = `id, referral_id, case_id, department_code, seq, type, status, attempts, generation, last_status, last_error,
  created_at, last_attempt_at, delivered_at, dead_at`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toView = (r: DeliveryRow): DeliveryView => ({
  id: r.id,
  referralId: r.referral_id,
  caseId: r.case_id,
  departmentCode: r.department_code,
  seq: r.seq,
  type: r.type,
  status: r.status,
  attempts: r.attempts,
  generation: r.generation,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  lastAttemptAt: iso(r.last_attempt_at),
  deliveredAt: iso(r.delivered_at),
  deadAt: iso(r.dead_at),
});

/** Deliveries of cases owned within a unit path prefix ($n), or every delivery when it is null. */
const IN_SCOPE = (p: string) => `(${p}::text IS NULL OR EXISTS (
  SELECT 1 FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = deliveries.case_id AND starts_with(u.path, ${p})))`;

/** Sets a delivery going again from attempt 1, as a new generation; the job of the old one finds it stale. */
const REARM = `status = 'pending', attempts = 0, generation = generation + 1, last_status = NULL, last_error = NULL, dead_at = NULL`;

/**
 * The webhook deliveries of referral events (docs/architecture.md, "Webhooks"): the dead-letter
 * list and replays. A replay keeps the delivery's id and body, so the receiver sees the same CloudEvent.
 * An admin scoped to a unit sees and replays the deliveries of cases owned within its subtree only; another
 * is "not found", like one that does not exist.
 */
export class DeliveriesService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  /** Newest first (ids are UUIDv7). */
  async list(filter: DeliveryFilter, reader: Pick<Principal, 'scope'>): Promise<Page<DeliveryView>> {
    const rows = await this.db.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM deliveries
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR department_code = $2)
         AND ($3::uuid IS NULL OR referral_id = $3) AND ($4::uuid IS NULL OR id < $4) AND ${IN_SCOPE('$6')}
       ORDER BY id DESC LIMIT $5`,
      [
        filter.status ?? null,
        filter.departmentCode ?? null,
        filter.referralId ?? null,
        this.cursors.decode('deliveries', filter.cursor, cursorShape.uuid),
        filter.limit + 1,
        reader.scope,
      ],
    );
    return toPage(rows, filter.limit, toView, (last) => this.cursors.encode('deliveries', last.id));
  }

  /** One delivery with the exact body it sends. */
  async get(id: string, reader: Pick<Principal, 'scope'>): Promise<DeliveryView & { body: string }> {
    const [row] = await this.db.query<DeliveryRow & { body: string }>(
      `SELECT ${COLUMNS}, body FROM deliveries WHERE id = $1 AND ${IN_SCOPE('$2')}`,
      [id, reader.scope],
    );
    if (!row) throw DomainError.notFound(`Delivery ${id}`);
    return { ...toView(row), body: row.body };
  }

  /**
   * Sends a delivery again from attempt 1. A dead one is the usual case; a pending one may be replayed too, to
   * retry now rather than after a long backoff or when its job was lost (its old job then finds the
   * generation moved on and stops). A delivered one is refused: the receiver already has it.
   */
  async replay(id: string, reader: Pick<Principal, 'scope'>): Promise<DeliveryView> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<DeliveryRow>(
        `UPDATE deliveries SET ${REARM} WHERE id = $1 AND status IN ('dead', 'pending') AND ${IN_SCOPE('$2')} RETURNING ${COLUMNS}`,
        [id, reader.scope],
      );
      if (!row) {
        const [existing] = await tx.query(`SELECT 1 FROM deliveries WHERE id = $1 AND ${IN_SCOPE('$2')}`, [
          id,
          reader.scope,
        ]);
        if (!existing) throw DomainError.notFound(`Delivery ${id}`);
        throw new DomainError(
          ErrorCode.Conflict,
          `Delivery ${id} was already delivered; only a dead or pending delivery can be replayed.`,
        );
      }
      await writeOutbox(tx, row.case_id, [deliveryJob(row, row.generation)], this.clock.now());
      return toView(row);
    });
  }

  /** Replays every dead delivery in the reader's scope (of one department, if given); returns how many. */
  async replayDead(filter: { departmentCode?: string }, reader: Pick<Principal, 'scope'>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; case_id: string; generation: number }>(
        `UPDATE deliveries SET ${REARM} WHERE status = 'dead' AND ($1::text IS NULL OR department_code = $1) AND ${IN_SCOPE('$2')}
         RETURNING id, case_id, generation`,
        [filter.departmentCode ?? null, reader.scope],
      );
      const byCase = new Map<string, typeof rows>();
      for (const row of rows) {
        const batch = byCase.get(row.case_id);
        if (batch) batch.push(row);
        else byCase.set(row.case_id, [row]);
      }
      const now = this.clock.now();
      for (const [caseId, batch] of byCase) {
        await writeOutbox(
          tx,
          caseId,
          batch.map((r) => deliveryJob(r, r.generation)),
          now,
        );
      }
      return rows.length;
    });
  }
}
