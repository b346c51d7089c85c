import { DomainError, ErrorCode, type Principal } from '#domain';
import type { Clock } from '#clock';
import type { UnitsRepository } from '#persistence';
import type { Counts, KpiRepository, SeriesBy, SeriesInterval } from './kpis.repository.js';
import { figures, reportRoot, type CaseFigures } from './kpis.js';

export type { SeriesBy, SeriesInterval } from './kpis.repository.js';
export const SERIES_BY: readonly SeriesBy[] = ['unit', 'category', 'channel', 'riskLevel'];
export const SERIES_INTERVALS: readonly SeriesInterval[] = ['day', 'week', 'month'];
/** The most buckets one answer holds: a longer span is refused, so the work of a read stays bounded. */
export const MAX_BUCKETS = 400;
/** The buckets a series covers when `from` is not given: the one holding `to` and those before it. */
const DEFAULT_BUCKETS: Record<SeriesInterval, number> = { day: 30, week: 12, month: 12 };

/**
 * The KPIs over time (GET /stats/series): the population of GET /stats/kpis (cases registered in [from, to) in
 * the subtree), cut into buckets of registration time — calendar days, ISO weeks (Monday to Sunday) or months in
 * China time (UTC+8, as the working-day calendar counts days) — and into groups. Every figure of a bucket is the
 * figure GET /stats/kpis gives with the bucket's bounds as from and to (the same definitions, libs/stats/src/kpis.ts):
 * the first and last buckets are cut to [from, to). Overdue is `overdueNow` of the bucket's cases, as of now.
 *
 * Groups: by `unit`, the root's direct children (a child carries the cases owned by it or any unit below it, as the
 * report rolls units up; cases owned by the root itself form the root's own group); by `category`, `channel` or
 * `riskLevel`, the case's current value (null when unset), only the values that occur.
 */
export interface SeriesBucket {
  /** The bucket's first instant (inclusive). */
  start: string;
  /** The bucket's end (exclusive). */
  end: string;
  /** The China-time calendar day (2026-03-02), ISO week (2026-W10) or month (2026-03). */
  label: string;
}

export interface SeriesGroup {
  /** The group's value: a unit code, category, channel or risk level; null when unset. */
  key: string | null;
  /** A unit's name (unit groups only). */
  name: string | null;
  /** One per bucket, in the buckets' order. */
  points: CaseFigures[];
}

export interface SeriesReport {
  unitCode: string | null;
  by: SeriesBy;
  interval: SeriesInterval;
  from: string;
  to: string;
  asOf: string;
  buckets: SeriesBucket[];
  /** Every group together, one per bucket. */
  totals: CaseFigures[];
  groups: SeriesGroup[];
}

export interface SeriesQuery {
  by: SeriesBy;
  interval: SeriesInterval;
  unitCode?: string;
  from?: Date;
  to?: Date;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** China time: UTC+8 all year. A `Date` shifted by it reads China's wall clock through its UTC getters. */
const CHINA = 8 * HOUR;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const wall = (instant: Date) => new Date(instant.getTime() + CHINA);
const fromWall = (wallMs: number) => new Date(wallMs - CHINA);
const dateOf = (w: Date) => `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;

/** The start of the China-time bucket holding `instant`. */
export function bucketStart(interval: SeriesInterval, instant: Date): Date {
  const w = wall(instant);
  const day = Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate());
  if (interval === 'day') return fromWall(day);
  if (interval === 'week') return fromWall(day - ((w.getUTCDay() + 6) % 7) * DAY);
  return fromWall(Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), 1));
}

/** The start of the bucket `steps` after the one starting at `start` (negative: before). */
export function bucketAfter(interval: SeriesInterval, start: Date, steps = 1): Date {
  if (interval === 'day') return new Date(start.getTime() + steps * DAY);
  if (interval === 'week') return new Date(start.getTime() + steps * 7 * DAY);
  const w = wall(start);
  return fromWall(Date.UTC(w.getUTCFullYear(), w.getUTCMonth() + steps, 1));
}

/** The bucket's label: 2026-03-02, 2026-W10 (ISO week-numbering year and week), 2026-03. */
export function bucketLabel(interval: SeriesInterval, start: Date): string {
  const w = wall(start);
  if (interval === 'day') return dateOf(w);
  if (interval === 'month') return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}`;
  // The ISO week's Thursday decides its year; week 1 holds the year's first Thursday.
  const thursday = new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate()) + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${pad(week)}`;
}

/** The series of GET /stats/series (definitions above), within the reader's scope. Two queries at most. */
export class SeriesQueries {
  constructor(
    private readonly kpis: KpiRepository,
    private readonly units: UnitsRepository,
    private readonly clock: Clock,
  ) {}

  async series(query: SeriesQuery, reader: Principal): Promise<SeriesReport> {
    const now = this.clock.now();
    const to = query.to ?? now;
    const from =
      query.from ??
      bucketAfter(
        query.interval,
        bucketStart(query.interval, new Date(to.getTime() - 1)),
        1 - DEFAULT_BUCKETS[query.interval],
      );
    if (from.getTime() >= to.getTime()) {
      throw new DomainError(ErrorCode.MalformedRequest, 'The period is empty: from must be before to.', {}, [
        { field: 'from', message: 'must be before to' },
      ]);
    }
    const starts: Date[] = [];
    for (let s = bucketStart(query.interval, from); s < to; s = bucketAfter(query.interval, s)) {
      if (starts.length === MAX_BUCKETS) {
        throw new DomainError(
          ErrorCode.MalformedRequest,
          `The period holds more than ${MAX_BUCKETS} buckets of a ${query.interval}: shorten it or take a longer interval.`,
          {},
          [{ field: 'from', message: `the period must hold at most ${MAX_BUCKETS} buckets` }],
        );
      }
      starts.push(s);
    }
    const root = await reportRoot(this.units, query.unitCode, reader);
    const row = await this.kpis.series(root, query.by, query.interval, from, to, now);

    const index = new Map(starts.map((s, i) => [dateOf(wall(s)), i]));
    const buckets = starts.map((s, i) => ({
      start: new Date(Math.max(s.getTime(), from.getTime())).toISOString(),
      end: new Date(Math.min(bucketAfter(query.interval, s).getTime(), to.getTime())).toISOString(),
      label: bucketLabel(query.interval, starts[i]!),
    }));
    const zero = (): Counts => ({ ...EMPTY });
    const totals = starts.map(zero);
    const groups = new Map<string | null, Counts[]>();
    const names = new Map<string | null, string | null>();
    if (query.by === 'unit') {
      for (const child of row.children) {
        groups.set(child.code, starts.map(zero));
        names.set(child.code, child.name);
      }
    }
    for (const cell of row.cells) {
      const i = index.get(cell.bucket);
      if (i === undefined) throw new Error(`a case in bucket ${cell.bucket} outside the period`);
      if (!groups.has(cell.grp)) {
        groups.set(cell.grp, starts.map(zero));
        names.set(cell.grp, query.by === 'unit' ? (cell.grp === root?.code ? row.root_name : cell.grp) : null);
      }
      add(groups.get(cell.grp)![i]!, cell);
      add(totals[i]!, cell);
    }
    return {
      unitCode: root?.code ?? null,
      by: query.by,
      interval: query.interval,
      from: from.toISOString(),
      to: to.toISOString(),
      asOf: now.toISOString(),
      buckets,
      totals: totals.map(figures),
      groups: [...groups.entries()]
        .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0))
        .map(([key, points]) => ({ key, name: names.get(key) ?? null, points: points.map(figures) })),
    };
  }
}

const EMPTY: Counts = {
  received: 0,
  accepted: 0,
  resolved: 0,
  concluded: 0,
  on_time: 0,
  on_time_judged: 0,
  responded: 0,
  response_due: 0,
  follow_ups_reached: 0,
  satisfied: 0,
  followed_up: 0,
  reopened: 0,
  overdue_now: 0,
  satisfaction_sum: 0,
};

function add(into: Counts, cell: Counts): void {
  for (const key of Object.keys(EMPTY) as Array<keyof Counts>) into[key] += cell[key];
}
