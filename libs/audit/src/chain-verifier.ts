import { hash } from 'node:crypto';
import { DomainError } from '#domain';
import type { Database, Tx } from '#persistence';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_HASH } from './hash-chain.js';

/** What a verification found: every chain intact, or the first place one breaks. */
export interface ChainReport {
  valid: boolean;
  /** Events whose link and content were checked and found intact. */
  checked: number;
  /** Cases whose whole chain, head included, was found intact. */
  cases: number;
  /** The first event (by case id, then seq) that does not fit its chain. */
  brokenAt?: { caseId: string; seq: number; reason: string };
}

export interface VerifyAllOptions {
  /** Events fetched per round trip (default 5,000). */
  batchSize?: number;
}

/**
 * A `case_events` row as the verifier fetches it: `at_us` in microseconds since the epoch (int8, as text), so
 * that no Date is parsed per row and a sub-millisecond edit (which the hash, at millisecond precision, cannot
 * see) shows.
 */
export interface StreamRow {
  case_id: string;
  seq: number;
  type: string;
  payload: unknown;
  /** jsonb as text: canonicalised once per distinct value (see CanonicalMemo). */
  facts: string;
  actor: string;
  at_us: string;
  machine_version: number;
  state: string;
  unit_code: string;
  referral_id: string | null;
  prev_hash: string;
  hash: string;
}

interface CaseHead {
  id: string;
  head_hash: string;
}

const COLUMNS = `case_id, seq, type, payload, facts::text AS facts, actor::text AS actor, (extract(epoch FROM at) * 1000000)::int8 AS at_us,
  machine_version, state, unit_code, referral_id, prev_hash, hash`;

const DEFAULT_BATCH = 5_000;
const CASE_BATCH = 10_000;

type Broken = NonNullable<ChainReport['brokenAt']>;

/**
 * Recomputes hash chains from `case_events`: every case's events must run seq 1, 2, 3… without a gap, each
 * must name the previous event's hash as `prev_hash` and carry the hash of its own content (every column),
 * and the case's `head_hash` must be the hash of its last event. So an edited column, a deleted event (in the
 * middle or at the end), two events swapped, or an event added past the head is reported with its case and seq.
 *
 * All cases are walked in (case_id, seq) order with keyset pagination, a few thousand rows per round trip and
 * the next batch already on its way while this one is hashed: constant memory, no per-event round trip. The
 * walk runs in one REPEATABLE READ READ ONLY transaction, so events appended meanwhile are not mistaken for a
 * head that moved under it.
 */
export class ChainVerifier {
  constructor(private readonly db: Database) {}

  /**
   * One case's chain. A case that does not exist, or whose unit lies outside `scope` (a unit path prefix;
   * null for every unit), is not found.
   */
  verifyCase(caseId: string, options: { scope?: string | null } = {}): Promise<ChainReport> {
    return this.snapshot(async (tx) => {
      const [found] = await tx.query<CaseHead & { path: string }>(
        `SELECT c.id, c.head_hash, u.path FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = $1`,
        [caseId],
      );
      const scope = options.scope ?? null;
      if (!found || (scope !== null && !found.path.startsWith(scope))) throw DomainError.notFound(`Case ${caseId}`);
      const events = batches<StreamRow>(
        (after) =>
          tx.prepared(
            'chain_verifier_case',
            `SELECT ${COLUMNS} FROM case_events WHERE case_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
            [caseId, after?.seq ?? 0, DEFAULT_BATCH],
          ),
        DEFAULT_BATCH,
      );
      return walk(events, single(found));
    });
  }

  /** Every case's chain; stops at the first broken one. */
  verifyAll(options: VerifyAllOptions = {}): Promise<ChainReport> {
    const size = options.batchSize ?? DEFAULT_BATCH;
    return this.snapshot((tx) => {
      const events = batches<StreamRow>(
        (after) =>
          after
            ? tx.prepared(
                'chain_verifier_next',
                `SELECT ${COLUMNS} FROM case_events WHERE (case_id, seq) > ($1::uuid, $2::int) ORDER BY case_id, seq LIMIT $3`,
                [after.case_id, after.seq, size],
              )
            : tx.prepared('chain_verifier_first', `SELECT ${COLUMNS} FROM case_events ORDER BY case_id, seq LIMIT $1`, [
                size,
              ]),
        size,
      );
      const cases = flatten(
        batches<CaseHead>(
          (after) =>
            after
              ? tx.prepared(
                  'chain_verifier_cases_next',
                  `SELECT id, head_hash FROM cases WHERE id > $1 ORDER BY id LIMIT $2`,
                  [after.id, CASE_BATCH],
                )
              : tx.prepared('chain_verifier_cases_first', `SELECT id, head_hash FROM cases ORDER BY id LIMIT $1`, [
                  CASE_BATCH,
                ]),
          CASE_BATCH,
        ),
      );
      return walk(events, cases);
    });
  }

  private snapshot<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return this.db.transaction(work);
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return work(tx);
    });
  }
}

/**
 * Merges the event stream with the case stream (both in id order): a case with no events, an event of no case,
 * and a head that is not the last event's hash are breaks too.
 */
async function walk(events: AsyncGenerator<StreamRow[]>, cases: AsyncGenerator<CaseHead>): Promise<ChainReport> {
  let checked = 0;
  let verifiedCases = 0;
  const memo = new CanonicalMemo();
  const report = (brokenAt?: Broken): ChainReport =>
    brokenAt
      ? { valid: false, checked, cases: verifiedCases, brokenAt }
      : { valid: true, checked, cases: verifiedCases };

  let next = await cases.next();
  let current: CaseHead | null = null;
  let expected = 1;
  let prev = GENESIS_HASH;
  /** The seq of the event whose hash the case's head names, once seen. */
  let headAt = 0;

  const endCase = (): Broken | undefined => {
    if (!current) return undefined;
    if (current.head_hash !== prev) {
      const last = expected - 1;
      return headAt > 0
        ? {
            caseId: current.id,
            seq: headAt + 1,
            reason: `event ${headAt + 1} lies past the case's head_hash, which names event ${headAt}`,
          }
        : {
            caseId: current.id,
            seq: last + 1,
            reason: `the case's head_hash is not the hash of its last event ${last}: events after it are missing, or head_hash was altered`,
          };
    }
    verifiedCases++;
    return undefined;
  };
  const noEvents = (c: CaseHead): Broken => ({
    caseId: c.id,
    seq: 1,
    reason: 'event 1 is missing: the case has no events',
  });

  try {
    for await (const batch of events) {
      for (const row of batch) {
        if (row.case_id !== current?.id) {
          const ended = endCase();
          if (ended) return report(ended);
          if (!next.done && next.value.id < row.case_id) return report(noEvents(next.value));
          if (next.done || next.value.id !== row.case_id) {
            return report({ caseId: row.case_id, seq: row.seq, reason: 'the event belongs to no case' });
          }
          current = next.value;
          next = await cases.next();
          expected = 1;
          prev = GENESIS_HASH;
          headAt = 0;
        }
        const broken = check(row, expected, prev, memo);
        if (broken) return report(broken);
        prev = row.hash;
        if (row.hash === current.head_hash) headAt = row.seq;
        expected++;
        checked++;
      }
    }
    const ended = endCase();
    if (ended) return report(ended);
    if (!next.done) return report(noEvents(next.value));
    return report();
  } finally {
    await Promise.all([events.return(undefined), cases.return(undefined)]);
  }
}

/** Why `row` does not follow an intact chain ending in `prev` at seq `expected - 1`, if it does not. */
function check(row: StreamRow, expected: number, prev: string, memo: CanonicalMemo): Broken | undefined {
  const at = (reason: string, seq = row.seq): Broken => ({ caseId: row.case_id, seq, reason });
  if (row.seq !== expected) {
    return row.seq > expected
      ? at(`event ${expected} is missing (the next event is ${row.seq})`, expected)
      : at(`seq ${row.seq} is out of order`);
  }
  if (row.prev_hash !== prev) return at('prev_hash is not the hash of the previous event');
  const us = Number(row.at_us);
  // Concord writes millisecond times; digits below that are an edit the hash cannot see.
  if (us % 1000 !== 0) return at('at carries sub-millisecond digits that Concord never writes');
  if (!(Math.abs(us) <= MAX_DATE_US)) return at('at is out of range');
  const hashed = rowHash(prev, row, new Date(us / 1000).toISOString(), memo.of(row.facts), memo.of(row.actor));
  if (hashed !== row.hash) return at('hash does not match the event content');
  return undefined;
}

const MAX_DATE_US = 8.64e18;
const MEMO_SIZE = 4_096;

/**
 * canonicalJson(JSON.parse(text)) remembered by the jsonb text (PostgreSQL prints one value one way): actors
 * and a case's facts repeat from event to event, and are parsed and sorted once instead of for every row.
 */
export class CanonicalMemo {
  private readonly known = new Map<string, string>();

  of(text: string): string {
    let canonical = this.known.get(text);
    if (canonical === undefined) {
      canonical = canonicalJson(JSON.parse(text));
      if (this.known.size >= MEMO_SIZE) this.known.clear();
      this.known.set(text, canonical);
    }
    return canonical;
  }
}

/**
 * `eventHash(prev, toChainedEvent(row))`, byte for byte (a spec holds them equal), with the event's own keys
 * written out in canonical (sorted) order rather than sorted again for every row: verification hashes
 * millions of rows. Nested values go through canonicalJson as the engine's do; `facts` and `actor` come
 * already canonical.
 */
export function rowHash(
  prev: string,
  row: Pick<
    StreamRow,
    'case_id' | 'seq' | 'type' | 'payload' | 'machine_version' | 'state' | 'unit_code' | 'referral_id'
  >,
  at: string,
  facts: string,
  actor: string,
): string {
  const json =
    `{"actor":${actor},"at":${JSON.stringify(at)},"caseId":${JSON.stringify(row.case_id)},` +
    `"facts":${facts},"machineVersion":${canonicalJson(row.machine_version)},"payload":${canonicalJson(row.payload)},` +
    (row.referral_id ? `"referralId":${JSON.stringify(row.referral_id)},` : '') +
    `"seq":${canonicalJson(row.seq)},"state":${JSON.stringify(row.state)},"type":${JSON.stringify(row.type)},"unitCode":${JSON.stringify(row.unit_code)}}`;
  return hash('sha256', prev + json, 'hex');
}

/**
 * Pages of a keyset query: `fetch(last row of the previous page)`. The next page is requested before this
 * one is handed out, so the database reads while the caller hashes.
 */
async function* batches<T>(fetch: (after: T | null) => Promise<T[]>, size: number): AsyncGenerator<T[]> {
  let pending: Promise<T[]> | null = fetch(null);
  try {
    while (pending) {
      const rows: T[] = await pending;
      pending = rows.length === size ? fetch(rows[rows.length - 1]!) : null;
      yield rows;
    }
  } finally {
    // Stopped early (a break was found): the read ahead is not wanted, but must not go unhandled.
    await pending?.catch(() => undefined);
  }
}

async function* flatten<T>(pages: AsyncGenerator<T[]>): AsyncGenerator<T> {
  for await (const page of pages) yield* page;
}

async function* single<T>(value: T): AsyncGenerator<T> {
  yield value;
}
