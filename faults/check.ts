/**
 * The accounting after a fault: what clients were acknowledged and what receivers took, against what
 * PostgreSQL holds. Every count is of a cause and its effect: an acknowledged request and its event, a deadline
 * row and its firing, a notice and its OWNER_NOTIFIED, a referral event and its webhook delivery.
 */
import { ChainVerifier } from '#audit';
import { createDataSource, Database } from '#persistence';
import type { CaseLedger } from './load.js';
import type { Receivers } from './receiver.js';

/** One line of the report: how many were expected (acknowledged, came due, …), lost and duplicated. */
export interface Tally {
  expected: number;
  lost: number;
  duplicated: number;
  /** Short explanations of the first few problems, for the report. */
  notes: string[];
}

export interface Findings {
  transitions: Tally;
  events: Tally & { total: number; gaps: number; chainValid: boolean; chainNote: string };
  deadlines: Tally & { fired: number; moot: number };
  notifications: Tally;
  deliveries: Tally & { requests: number; repeats: number; dead: number; badSignatures: number };
  outboxUnprocessed: number;
  outboxNotes: string[];
}

interface EventRow {
  case_id: string;
  seq: number;
  type: string;
  role: string;
  payload: Record<string, unknown>;
  referral_id: string | null;
}

interface DeadlineRow {
  id: string;
  clock_id: string;
  kind: 'due' | 'warning';
  percent: number | null;
  status: string;
  due: boolean;
}

const tally = (): Tally => ({ expected: 0, lost: 0, duplicated: 0, notes: [] });
const note = (t: Tally, text: string) => void (t.notes.length < 5 && t.notes.push(text));
const CLIENT_TYPES = new Set(['REGISTER', 'ACCEPT', 'CLASSIFY', 'ADD_NOTE', 'REFER', 'ACKNOWLEDGE']);

export async function check(url: string, cases: CaseLedger[], receivers: Receivers, run: string): Promise<Findings> {
  const dataSource = await createDataSource({ url, poolSize: 2, applicationName: 'concord-faults-check' }).initialize();
  try {
    const db = new Database(dataSource);
    const events = await db.query<EventRow>(
      `SELECT case_id, seq, type, actor->>'role' AS role, payload, referral_id FROM case_events ORDER BY case_id, seq`,
    );
    const byCase = new Map<string, EventRow[]>();
    for (const e of events) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), e]);

    const transitions = checkTransitions(cases, byCase, events, run);
    const cause = new Map<EventRow, string>(); // every event, and what explains it
    for (const e of events) if (CLIENT_TYPES.has(e.type) && e.role !== 'system') cause.set(e, 'client');

    const deadlines = await checkDeadlines(db, events, cause);
    const notifications = await checkNotifications(db, events, cause);
    const deliveries = await checkDeliveries(db, events, receivers);
    const log = await checkLog(db, events, byCase, cause, [transitions, deadlines, notifications]);
    const unprocessed = await db.query<{ queue: string; name: string; relayed: boolean; n: string }>(
      `SELECT queue, name, relayed_at IS NOT NULL AS relayed, count(*) AS n FROM outbox
        WHERE relayed_at IS NULL OR processed_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    return {
      transitions,
      events: log,
      deadlines,
      notifications,
      deliveries,
      outboxUnprocessed: unprocessed.reduce((sum, r) => sum + Number(r.n), 0),
      outboxNotes: unprocessed.map(
        (r) => `${r.n} ${r.queue}/${r.name} ${r.relayed ? 'relayed, never processed' : 'never relayed'}`,
      ),
    };
  } finally {
    await dataSource.destroy();
  }
}

/** Each acknowledged request's event is there, at the seq its answer gave, once. */
function checkTransitions(
  cases: CaseLedger[],
  byCase: Map<string, EventRow[]>,
  events: EventRow[],
  run: string,
): Tally {
  const t = tally();
  for (const c of cases) {
    for (const ack of c.acks) {
      t.expected++;
      const log = byCase.get(ack.caseId) ?? [];
      const found =
        ack.type === 'ACKNOWLEDGE'
          ? log.some((e) => e.type === 'ACKNOWLEDGE' && e.referral_id === ack.referralId)
          : log.some((e) => e.seq === ack.seq && e.type === ack.type);
      if (!found) {
        t.lost++;
        note(t, `lost: ${ack.type} of case ${ack.caseId} (key ${ack.key}, acknowledged at version ${ack.seq})`);
      }
    }
  }
  // Applied twice: a registration (the summary names the client's case), a note (its text is its key), or a
  // client event of one kind twice on one case or referral.
  const seen = new Map<string, number>();
  const bump = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
  for (const e of events) {
    if (e.role === 'system' || !CLIENT_TYPES.has(e.type)) continue;
    if (e.type === 'REGISTER') bump(`REGISTER ${String(e.payload.summary)}`);
    else if (e.type === 'ADD_NOTE') bump(`ADD_NOTE ${String(e.payload.text)}`);
    else if (e.type === 'ACKNOWLEDGE') bump(`ACKNOWLEDGE ${e.referral_id}`);
    else bump(`${e.type} ${e.case_id}`);
  }
  for (const [key, count] of seen) {
    if (count > 1 && (!key.startsWith('REGISTER') || key.includes(run))) {
      t.duplicated += count - 1;
      note(t, `duplicated ×${count}: ${key}`);
    }
  }
  return t;
}

/** A deadline row that came due fired once (one event), or was ended first (no event); none is left pending. */
async function checkDeadlines(db: Database, events: EventRow[], cause: Map<EventRow, string>) {
  const t = { ...tally(), fired: 0, moot: 0 };
  const rows = await db.query<DeadlineRow>(
    `SELECT id, clock_id, kind, percent, status, due_at <= now() AS due FROM deadlines`,
  );
  const firings = new Map<string, EventRow[]>();
  for (const e of events) {
    if (e.role !== 'system' || (e.type !== 'DEADLINE_ELAPSED' && e.type !== 'DEADLINE_WARNING')) continue;
    const key =
      e.type === 'DEADLINE_ELAPSED'
        ? `${String(e.payload.deadlineId)}:due`
        : `${String(e.payload.deadlineId)}:${String(e.payload.percent)}`;
    firings.set(key, [...(firings.get(key) ?? []), e]);
  }
  const matched = new Set<string>();
  for (const row of rows) {
    const key = row.kind === 'due' ? `${row.clock_id}:due` : `${row.clock_id}:${row.percent}`;
    const fired = firings.get(key) ?? [];
    matched.add(key);
    for (const e of fired) cause.set(e, 'deadline');
    if (row.status === 'fired') {
      t.expected++;
      t.fired++;
      if (fired.length === 0) {
        t.lost++;
        note(t, `lost: deadline ${row.id} is marked fired but no event fired it`);
      }
    } else if (row.due && row.status === 'pending') {
      t.expected++;
      t.lost++;
      note(t, `lost: deadline ${row.id} (${row.kind}) came due and is still pending`);
    } else if (row.due) {
      t.expected++;
      t.moot++; // its state was left (or a breach ended its clock) before it fired
    }
    if (fired.length > 1 || (fired.length === 1 && row.status !== 'fired')) {
      t.duplicated += fired.length - (row.status === 'fired' ? 1 : 0);
      note(t, `duplicated: deadline ${row.id} (${row.status}) fired by ${fired.length} events`);
    }
  }
  for (const [key, fired] of firings) {
    if (matched.has(key)) continue;
    t.duplicated += fired.length;
    note(t, `unexplained: ${fired.length} deadline event(s) for ${key}, which no deadline row names`);
  }
  return t;
}

/** Every notice to a case owner went out and is recorded on its case once (OWNER_NOTIFIED). */
async function checkNotifications(db: Database, events: EventRow[], cause: Map<EventRow, string>): Promise<Tally> {
  const t = tally();
  const rows = await db.query<{ case_id: string; topic: string; referral_id: string | null; processed: boolean }>(
    `SELECT case_id, payload->>'topic' AS topic, payload->>'referralId' AS referral_id, processed_at IS NOT NULL AS processed
       FROM outbox WHERE queue = 'notifications' AND name = 'notify'`,
  );
  const expected = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.case_id} ${r.topic} ${r.referral_id ?? '-'}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const recorded = new Map<string, EventRow[]>();
  for (const e of events) {
    if (e.type !== 'OWNER_NOTIFIED') continue;
    const key = `${e.case_id} ${String(e.payload.topic)} ${(e.payload.referralId as string | undefined) ?? '-'}`;
    recorded.set(key, [...(recorded.get(key) ?? []), e]);
    cause.set(e, 'notice');
  }
  for (const key of new Set([...expected.keys(), ...recorded.keys()])) {
    const want = expected.get(key) ?? 0;
    const got = recorded.get(key)?.length ?? 0;
    t.expected += want;
    if (got < want) {
      t.lost += want - got;
      note(t, `lost: notice ${key}: ${want} sent, ${got} recorded`);
    }
    if (got > want) {
      t.duplicated += got - want;
      note(t, `duplicated: notice ${key}: ${want} sent, ${got} recorded`);
    }
  }
  return t;
}

/**
 * Every referral event (its REFER, then each event of the referral) has one delivery row, and the receiver took
 * it: once by CloudEvent id, and no referral event under two ids.
 */
async function checkDeliveries(db: Database, events: EventRow[], receivers: Receivers) {
  const { requests, repeats } = receivers.totals;
  const t = { ...tally(), requests, repeats, dead: 0, badSignatures: receivers.badSignatures + receivers.unreadable };
  const referrals = await db.query<{ id: string; case_id: string; issued_seq: number; hooked: boolean }>(
    `SELECT r.id, r.case_id, r.issued_seq, d.webhook_url IS NOT NULL AS hooked FROM referrals r JOIN departments d ON d.code = r.department_code`,
  );
  const announcements = new Set<string>();
  for (const r of referrals) if (r.hooked) announcements.add(`${r.id}:${r.issued_seq}`);
  const hooked = new Set(referrals.filter((r) => r.hooked).map((r) => r.id));
  for (const e of events)
    if (e.referral_id && hooked.has(e.referral_id)) announcements.add(`${e.referral_id}:${e.seq}`);

  const rows = await db.query<{ id: string; referral_id: string; seq: number; status: string }>(
    `SELECT id, referral_id, seq, status FROM deliveries`,
  );
  const byAnnouncement = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = `${row.referral_id}:${row.seq}`;
    byAnnouncement.set(key, [...(byAnnouncement.get(key) ?? []), row]);
  }
  const takenBy = new Map<string, string[]>();
  for (const [id, r] of receivers.byId)
    if (r.taken) takenBy.set(r.announces, [...(takenBy.get(r.announces) ?? []), id]);

  for (const key of announcements) {
    t.expected++;
    const delivery = byAnnouncement.get(key) ?? [];
    const taken = takenBy.get(key) ?? [];
    if (delivery.length === 0) {
      t.lost++;
      note(t, `lost: referral event ${key} has no delivery`);
      continue;
    }
    if (delivery.length > 1 || taken.length > 1) {
      t.duplicated += Math.max(delivery.length, taken.length) - 1;
      note(t, `duplicated: referral event ${key}: ${delivery.length} deliveries, taken under ${taken.length} ids`);
    }
    if (taken.length === 0) {
      t.lost++;
      const d = delivery[0]!;
      if (d.status === 'dead') t.dead++;
      note(t, `lost: delivery ${d.id} (${key}, ${d.status}) was never taken by the receiver`);
    } else if (delivery[0]!.status !== 'delivered') {
      note(t, `note: delivery ${delivery[0]!.id} was taken but is ${delivery[0]!.status} in PostgreSQL`);
    }
  }
  for (const key of byAnnouncement.keys()) {
    if (!announcements.has(key)) {
      t.duplicated++;
      note(t, `unexplained: delivery for ${key}, which is no referral event`);
    }
  }
  return t;
}

/** The log itself: contiguous versions, valid chains, and every event explained by exactly one cause. */
async function checkLog(
  db: Database,
  events: EventRow[],
  byCase: Map<string, EventRow[]>,
  cause: Map<EventRow, string>,
  causes: Tally[],
) {
  const t = { ...tally(), total: events.length, gaps: 0, chainValid: false, chainNote: '' };
  const cases = await db.query<{ id: string; version: number }>(`SELECT id, version FROM cases`);
  for (const c of cases) {
    const log = byCase.get(c.id) ?? [];
    const contiguous = log.length === c.version && log.every((e, i) => e.seq === i + 1);
    if (!contiguous) {
      t.gaps++;
      note(t, `case ${c.id}: version ${c.version}, seqs ${log.map((e) => e.seq).join(',')}`);
    }
  }
  for (const e of events) {
    if (!cause.has(e)) {
      t.duplicated++;
      note(t, `unexplained event ${e.type} at ${e.case_id}#${e.seq}`);
    }
  }
  // Expected events: those of acknowledged requests, fired deadlines and notices; lost and duplicated as counted there.
  for (const c of causes) {
    t.expected += c === causes[1] ? (c as Tally & { fired: number }).fired : c.expected;
    t.lost += c.lost;
    t.duplicated += c.duplicated;
  }
  const report = await new ChainVerifier(db).verifyAll();
  t.chainValid = report.valid;
  t.chainNote = report.valid
    ? `${report.checked} events in ${report.cases} cases intact`
    : `BROKEN at ${report.brokenAt?.caseId}#${report.brokenAt?.seq}: ${report.brokenAt?.reason}`;
  return t;
}
