import { Readable } from 'node:stream';
import { DomainError, ErrorCode, instantProblem, type Principal } from '#domain';
import { cursorShape, toPage, type Cursors, type Database, type Page } from '#persistence';
import { toEventEntry, type EventEntry, type EventRow } from './verify-chain.js';

/** Filters of the audit event query and export; every one is optional and they combine with AND. */
export interface AuditEventFilter {
  caseId?: string;
  /** The actor's id: an API key's principal id, or a system actor such as `system:deadlines`. */
  actor?: string;
  type?: string;
  /** Events of that department's referrals, and the REFER events that issued them. */
  departmentCode?: string;
  /** Events whose unit (the unit owning the case after the event) lies in that unit's subtree. */
  unitCode?: string;
  /** At or after (ISO 8601). */
  from?: string;
  /** Before (ISO 8601). */
  to?: string;
}

/** An event as the audit answers it: every hashed field (as in GET /cases/:id/history, plus `caseId`) and both hashes. */
export type AuditEvent = EventEntry;

export type ExportFormat = 'jsonl' | 'csv';

/** Where a page ends: the sort key of its last event, with the instant to the microsecond. */
export interface AuditCursor {
  at: string;
  caseId: string;
  seq: number;
}

/** A cursor's value: `[at, caseId, seq]`. */
const CURSOR = cursorShape.tuple(cursorShape.text, cursorShape.uuid, cursorShape.int);

interface ListRow extends EventRow {
  at_key: string;
}

/** The export's rows: jsonb columns as their JSON text, so a row is written out without a parse and re-serialise. */
type ExportRow = Omit<ListRow, 'payload' | 'facts' | 'actor'> & { payload: string; facts: string; actor: string };

/** Rows per keyset batch of an export: memory stays that of one batch, whatever the size of the export. */
export const EXPORT_BATCH = 1_000;

const COLUMNS = `e.case_id, e.seq, e.type, e.payload, e.facts, e.actor, e.at, e.machine_version, e.state, e.unit_code, e.referral_id,
  e.prev_hash, e.hash, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key`;
const TEXT_COLUMNS = COLUMNS.replace(
  'e.payload, e.facts, e.actor',
  'e.payload::text AS payload, e.facts::text AS facts, e.actor::text AS actor',
);

/** The CSV columns, in the order of the JSON Lines members. */
export const CSV_COLUMNS = [
  'caseId',
  'seq',
  'type',
  'payload',
  'facts',
  'actor',
  'at',
  'machineVersion',
  'state',
  'unitCode',
  'referralId',
  'prevHash',
  'hash',
] as const;

/**
 * The audit event query (`GET /audit/events`) and export (`GET /audit/export`), over every case in the
 * reader's scope. Both read in (at, case_id, seq) order with keyset conditions, so each page is an index range
 * (case_events_at_idx, or the type / actor / unit indexes within a time range) and never a sort of the table.
 */
export class AuditEvents {
  constructor(
    private readonly db: Database,
    private readonly cursors: Cursors,
  ) {}

  async list(
    filter: AuditEventFilter & { cursor?: string; limit: number },
    reader: Pick<Principal, 'scope'>,
  ): Promise<Page<AuditEvent>> {
    const cursor = this.cursors.decode('audit-events', filter.cursor, CURSOR);
    const after = cursor ? { at: cursor[0], caseId: cursor[1], seq: cursor[2] } : null;
    const rows = await this.db.query<ListRow>(...query(filter, reader, after, filter.limit + 1, COLUMNS));
    const page = toPage(
      rows,
      filter.limit,
      (r) => r,
      (r) => this.cursors.encode('audit-events', [r.at_key, r.case_id, r.seq]),
    );
    return { items: page.items.map(toAuditEvent), nextCursor: page.nextCursor };
  }

  /**
   * Every matching event as JSON Lines (one event a line, the shape of `list`'s items) or CSV (a header, then
   * RFC 4180 records with jsonb columns as JSON text), read in keyset batches of {@link EXPORT_BATCH}: memory
   * stays that of one batch and the reader's backpressure paces the queries. `until` (inclusive) bounds an
   * export without `to`, so it covers a fixed span even while events keep arriving.
   */
  export(filter: AuditEventFilter, format: ExportFormat, reader: Pick<Principal, 'scope'>, until?: Date): Readable {
    check(filter);
    return Readable.from(this.batches(filter, format, reader, until), { objectMode: false });
  }

  private async *batches(
    filter: AuditEventFilter,
    format: ExportFormat,
    reader: Pick<Principal, 'scope'>,
    until?: Date,
  ): AsyncGenerator<string> {
    const line = format === 'csv' ? csvLine : jsonLine;
    if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`;
    let after: AuditCursor | null = null;
    for (;;) {
      const rows: ExportRow[] = await this.db.query<ExportRow>(
        ...query(filter, reader, after, EXPORT_BATCH, TEXT_COLUMNS, until),
      );
      if (rows.length) yield rows.map(line).join('');
      if (rows.length < EXPORT_BATCH) return;
      const last: ExportRow = rows[rows.length - 1]!;
      after = { at: last.at_key, caseId: last.case_id, seq: last.seq };
    }
  }
}

/** `from` and `to` must be instants (libs/domain/src/dates.ts), `to` not before `from` (400 otherwise). */
function check(filter: AuditEventFilter): void {
  const refuse = (field: string, message: string) =>
    new DomainError(ErrorCode.MalformedRequest, 'The query string has invalid parameters.', {}, [{ field, message }]);
  for (const field of ['from', 'to'] as const) {
    const problem = filter[field] === undefined ? null : instantProblem(filter[field]);
    if (problem) throw refuse(field, problem);
  }
  if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to))
    throw refuse('to', 'must not be before from');
}

/** The statement of one page of `list` (after the event `after`), for EXPLAIN in tests and the benchmark. */
export function auditEventsStatement(
  filter: AuditEventFilter & { after?: AuditCursor },
  reader: Pick<Principal, 'scope'>,
  limit: number,
): [string, unknown[]] {
  return query(filter, reader, filter.after ?? null, limit, COLUMNS);
}

/**
 * The statement for one page: the filters as index-friendly conditions, the scope through the case's owning
 * unit (as every case read), and the keyset condition, ordered by (at, case_id, seq) so that a page is a range
 * of case_events_at_idx, or of the type / actor index within a time range (an incremental sort on `at`). A
 * department's events are listed in case_event_departments in that order: its page is a range of that table's
 * primary key, and each event is read by its own.
 */
function query(
  filter: AuditEventFilter,
  reader: Pick<Principal, 'scope'>,
  after: AuditCursor | null,
  limit: number,
  columns: string,
  until?: Date,
): [string, unknown[]] {
  check(filter);
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // The rows that give the order, and so carry the time and keyset conditions: the department's list, or the events.
  const k = filter.departmentCode ? 'x' : 'e';
  const where: string[] = [];
  if (filter.departmentCode) where.push(`x.department_code = ${param(filter.departmentCode)}`);
  if (reader.scope !== null) {
    where.push(`EXISTS (SELECT 1 FROM cases c JOIN units u ON u.code = c.unit_code
                         WHERE c.id = e.case_id AND starts_with(u.path, ${param(reader.scope)}))`);
  }
  if (filter.caseId) where.push(`${k}.case_id = ${param(filter.caseId)}`);
  if (filter.actor) where.push(`(e.actor ->> 'id') = ${param(filter.actor)}`);
  if (filter.type) where.push(`e.type = ${param(filter.type)}`);
  if (filter.unitCode) {
    where.push(
      `e.unit_code IN (SELECT code FROM units WHERE starts_with(path, (SELECT path FROM units WHERE code = ${param(filter.unitCode)})))`,
    );
  }
  if (filter.from) where.push(`${k}.at >= ${param(new Date(filter.from))}::timestamptz`);
  if (filter.to) where.push(`${k}.at < ${param(new Date(filter.to))}::timestamptz`);
  if (until && !filter.to) where.push(`${k}.at <= ${param(until)}::timestamptz`);
  if (after) {
    const at = param(after.at);
    // The plain `at >=` lets an index on (x, at) start its range at the cursor; the row comparison breaks ties.
    where.push(
      `${k}.at >= ${at}::timestamptz`,
      `(${k}.at, ${k}.case_id, ${k}.seq) > (${at}::timestamptz, ${param(after.caseId)}::uuid, ${param(after.seq)}::int)`,
    );
  }
  const from = filter.departmentCode
    ? 'case_event_departments x JOIN case_events e ON e.case_id = x.case_id AND e.seq = x.seq'
    : 'case_events e';
  const conditions = where.length ? `WHERE ${where.join(' AND ')}` : '';
  return [
    `SELECT ${columns} FROM ${from} ${conditions} ORDER BY ${k}.at, ${k}.case_id, ${k}.seq LIMIT ${param(limit)}`,
    params,
  ];
}

const toAuditEvent = (r: ListRow): AuditEvent => toEventEntry(r);

/** One JSON Lines record; jsonb text is valid JSON on one line (PostgreSQL escapes control characters). */
function jsonLine(r: ExportRow): string {
  const referral = r.referral_id ? `,"referralId":${JSON.stringify(r.referral_id)}` : '';
  return (
    `{"caseId":${JSON.stringify(r.case_id)},"seq":${r.seq},"type":${JSON.stringify(r.type)},"payload":${r.payload},` +
    `"facts":${r.facts},"actor":${r.actor},"at":${JSON.stringify(r.at.toISOString())},"machineVersion":${r.machine_version},` +
    `"state":${JSON.stringify(r.state)},"unitCode":${JSON.stringify(r.unit_code)}${referral},` +
    `"prevHash":${JSON.stringify(r.prev_hash)},"hash":${JSON.stringify(r.hash)}}\n`
  );
}

/** One RFC 4180 record (CRLF-terminated); a field with a comma, quote or line break is quoted, quotes doubled. */
function csvLine(r: ExportRow): string {
  return (
    [
      r.case_id,
      String(r.seq),
      r.type,
      r.payload,
      r.facts,
      r.actor,
      r.at.toISOString(),
      String(r.machine_version),
      r.state,
      r.unit_code,
      r.referral_id ?? '',
      r.prev_hash,
      r.hash,
    ]
      .map(csvField)
      .join(',') + '\r\n'
  );
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
