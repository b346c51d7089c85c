import type { Clock } from '#clock';
import { DomainError, type Principal, seesConfidential } from '#domain';
import { type CursorValue, type Cursors, type Page } from '#persistence';
import {
  QUEUE_VIEWS,
  type QueueFilters,
  type QueueReader,
  type QueueRow,
  type QueueView,
  type WorkQueueRepository,
} from './work-queue.repository.js';

/**
 * How far ahead `due_soon` looks: a clock falling due within the next 48 hours (two days: enough to act on a
 * working day's notice, short enough that the view stays a short list).
 */
export const DUE_SOON_HOURS = 48;

/**
 * Counts stop here: a badge reads "1000+" above it (`capped`). Counting every unassigned case of a district
 * (tens of thousands at 1,000,000 cases) would read them all for a number nobody reads exactly.
 */
export const QUEUE_COUNT_CAP = 1000;

/** The refusal of an API key: a key is a system, and a queue is a person's. */
export const QUEUE_NEEDS_PERSON = 'A work queue belongs to a signed-in person: an API key has none.';

/** A person: their id and name. */
export interface PersonRef {
  id: string;
  name: string;
}

/** A queue entry: a case, or, in a department person's queue, a referral (with its case's fields). */
export interface QueueItem {
  /** The case's id; for a referral, the referral's. */
  id: string;
  reference: string;
  kind: string;
  stage: string;
  /** The case's state; for a referral, the referral's. */
  state: string;
  category: string | null;
  riskLevel: string | null;
  unitCode: string;
  /** The case is supervised (督办); for a referral, the referral is. */
  supervised: boolean;
  confidential: boolean;
  /** Who works it (for a referral: the department's person), or null. */
  assignee: PersonRef | null;
  /** The leader in personal charge of the case (领导包案), or null. */
  inCharge: PersonRef | null;
  /** The earliest clock still running (the case's own; a referral's own), or null when none runs. */
  nextDue: { key: string; dueAt: string; overdue: boolean } | null;
  referralId?: string;
  departmentCode?: string;
  caseId?: string;
  /** The referral was urged (催办). */
  urged?: boolean;
}

export interface QueueListFilter extends QueueFilters {
  view: QueueView;
  cursor?: string;
  limit: number;
}

/** Each view's count: at most QUEUE_COUNT_CAP, `capped` when there are more. */
export type QueueCounts = Record<QueueView, { count: number; capped: boolean }>;

const isTextOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);
/**
 * Where a queue page ends: the last entry's next due time as PostgreSQL wrote it (to the microsecond; null once
 * past the entries with a clock) and its id.
 */
const QUEUE_CURSOR = (value: unknown): value is [string | null, string] & CursorValue[] =>
  Array.isArray(value) && value.length === 2 && isTextOrNull(value[0]) && isUuid(value[1]);

/**
 * A signed-in person's work queue (GET /me/queue): their cases — or, for department staff, their department's
 * referrals — by view, soonest next clock first. Scope and confidentiality are the case list's: the person's
 * unit subtree, and a confidential case only for a role that sees it; department staff see their own
 * department's referrals within their unit limit, as the referral inbox does. The role is the one the route
 * chose for the person (department first: a person holding it works their department's referrals).
 */
export class WorkQueueQueries {
  constructor(
    private readonly repository: WorkQueueRepository,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async list(filter: QueueListFilter, person: Principal): Promise<Page<QueueItem>> {
    const reader = await this.reader(person, filter.unitCode);
    const list = `queue-${filter.view.replace('_', '-')}`;
    const decoded = this.cursors.decode(list, filter.cursor, QUEUE_CURSOR);
    const now = this.clock.now();
    const query = {
      view: filter.view,
      filters: filtersOf(filter),
      now,
      soon: soonAfter(now),
      after: decoded ? { dueAt: decoded[0], id: decoded[1] } : null,
      limit: filter.limit + 1,
    };
    let rows: QueueRow[] = [];
    if (reader.departmentCode !== null) {
      if (filter.view !== 'in_charge') rows = await this.repository.referralPage(reader, query);
    } else if (reader.units?.length !== 0) rows = await this.repository.casePage(reader, query);
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toItem(r, now)),
      nextCursor: rows.length > filter.limit && last ? this.cursors.encode(list, [last.due_text, last.id]) : null,
    };
  }

  async counts(filters: QueueFilters, person: Principal): Promise<QueueCounts> {
    const reader = await this.reader(person, filters.unitCode);
    const now = this.clock.now();
    const empty = Object.fromEntries(QUEUE_VIEWS.map((v) => [v, 0])) as Record<QueueView, number>;
    let counts = empty;
    if (reader.departmentCode !== null)
      counts = await this.repository.referralCounts(reader, filtersOf(filters), now, soonAfter(now));
    else if (reader.units?.length !== 0)
      counts = await this.repository.caseCounts(reader, filtersOf(filters), now, soonAfter(now), QUEUE_COUNT_CAP);
    return Object.fromEntries(
      QUEUE_VIEWS.map((v) => [v, { count: Math.min(counts[v], QUEUE_COUNT_CAP), capped: counts[v] > QUEUE_COUNT_CAP }]),
    ) as QueueCounts;
  }

  /** `unitCode` narrows the reader's units to that unit's subtree (within their scope: outside it, to none). */
  private async reader(person: Principal, unitCode?: string): Promise<QueueReader> {
    if (!person.session) throw DomainError.forbidden(QUEUE_NEEDS_PERSON);
    const department = person.role === 'department';
    return {
      userId: person.id,
      units: await this.repository.unitCodes(person.scope, unitCode),
      // A department sees its own referrals whatever their case (the accusations the discipline body received).
      confidential: department || seesConfidential(person),
      departmentCode: department ? (person.departmentCode ?? '') : null,
    };
  }
}

const soonAfter = (now: Date) => new Date(now.getTime() + DUE_SOON_HOURS * 3_600_000);

const filtersOf = (f: QueueFilters): QueueFilters => ({
  kind: f.kind,
  stage: f.stage,
  category: f.category,
  riskLevel: f.riskLevel,
});

const person = (id: string | null, name: string | null): PersonRef | null =>
  id === null ? null : { id, name: name ?? '' };

function toItem(r: QueueRow, now: Date): QueueItem {
  const item: QueueItem = {
    id: r.id,
    reference: r.reference,
    kind: r.kind,
    stage: r.stage,
    state: r.state,
    category: r.category,
    riskLevel: r.risk_level,
    unitCode: r.unit_code,
    supervised: r.supervised,
    confidential: r.confidential,
    assignee: person(r.assignee_id, r.assignee_name),
    inCharge: person(r.in_charge_id, r.in_charge_name),
    nextDue:
      r.due_at === null
        ? null
        : { key: r.due_key!, dueAt: r.due_at.toISOString(), overdue: r.due_at.getTime() < now.getTime() },
  };
  if (r.department_code !== null)
    Object.assign(item, { referralId: r.id, departmentCode: r.department_code, caseId: r.case_id, urged: r.urged });
  return item;
}
