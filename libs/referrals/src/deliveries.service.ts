import { DomainError, ErrorCode, type Principal } from '#domain';
import type { Clock } from '#clock';
import { deliveryJob } from '#engine';
import { writeOutbox } from '#outbox';
import {
  cursorShape,
  toPage,
  type Cursors,
  type Database,
  type DeliveriesRepository,
  type DeliverySummary,
  type Page,
} from '#persistence';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A webhook delivery as admins see it: never the department's secret; the body only from `get`. */
export interface DeliveryView {
  /** Also the CloudEvent `id`: the same for every attempt and replay. */
  id: string;
  /** Null for a court-delegated case's report to its court, which no referral asked for. */
  referralId: string | null;
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

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toView = (r: DeliverySummary): DeliveryView => ({
  id: r.id,
  referralId: r.referralId,
  caseId: r.caseId,
  departmentCode: r.departmentCode,
  seq: r.seq,
  type: r.type,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  generation: r.generation,
  lastStatus: r.lastStatus,
  lastError: r.lastError,
  createdAt: r.createdAt.toISOString(),
  lastAttemptAt: iso(r.lastAttemptAt),
  deliveredAt: iso(r.deliveredAt),
  deadAt: iso(r.deadAt),
});

/**
 * The webhook deliveries of referral events (docs/architecture.md, "Webhooks"): the dead-letter
 * list and replays. A replay keeps the delivery's id and body, so the receiver sees the same CloudEvent.
 * An admin scoped to a unit sees and replays the deliveries of cases owned within its subtree only; another
 * is "not found", like one that does not exist.
 */
export class DeliveriesService {
  constructor(
    private readonly db: Database,
    private readonly deliveries: DeliveriesRepository,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  /** Newest first (ids are UUIDv7). */
  async list(filter: DeliveryFilter, reader: Pick<Principal, 'scope'>): Promise<Page<DeliveryView>> {
    const rows = await this.deliveries.list({
      status: filter.status ?? null,
      departmentCode: filter.departmentCode ?? null,
      referralId: filter.referralId ?? null,
      before: this.cursors.decode('deliveries', filter.cursor, cursorShape.uuid),
      scope: reader.scope,
      limit: filter.limit + 1,
    });
    return toPage(rows, filter.limit, toView, (last) => this.cursors.encode('deliveries', last.id));
  }

  /** One delivery with the exact body it sends. */
  async get(id: string, reader: Pick<Principal, 'scope'>): Promise<DeliveryView & { body: string }> {
    const row = await this.deliveries.find(id, reader.scope);
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
      const row = await this.deliveries.rearm(id, reader.scope);
      if (!row) {
        if (!(await this.deliveries.exists(id, reader.scope))) throw DomainError.notFound(`Delivery ${id}`);
        throw new DomainError(
          ErrorCode.Conflict,
          `Delivery ${id} was already delivered; only a dead or pending delivery can be replayed.`,
        );
      }
      await writeOutbox(tx, row.caseId, [deliveryJob(row, row.generation)], this.clock.now());
      return toView(row);
    });
  }

  /** Replays every dead delivery in the reader's scope (of one department, if given); returns how many. */
  async replayDead(filter: { departmentCode?: string }, reader: Pick<Principal, 'scope'>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await this.deliveries.rearmDead(filter.departmentCode ?? null, reader.scope);
      const byCase = new Map<string, typeof rows>();
      for (const row of rows) {
        const batch = byCase.get(row.caseId);
        if (batch) batch.push(row);
        else byCase.set(row.caseId, [row]);
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
