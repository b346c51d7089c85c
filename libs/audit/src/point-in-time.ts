import type { AnyMachineSnapshot } from 'xstate';
import {
  type CaseFacts,
  type CaseKind,
  type CaseWorkflow,
  DomainError,
  ErrorCode,
  inScope,
  type MachineWorkflow,
  type Principal,
  type Stage,
  stageOf,
  statePath,
} from '#domain';
import type { Database } from '#persistence';
import {
  decide,
  MIGRATE_MACHINE,
  migrateSnapshot,
  upgradeFrom,
  workflows,
  referralsIssued,
  start,
  referralWorkflowFor,
  referralWorkflowOf,
  workflowFor,
  storeSnapshot,
  type StoredSnapshot,
} from '#workflows';
import { canonicalJson } from './canonical-json.js';

export interface RebuiltReferral {
  id: string;
  departmentCode: string;
  /** The referral's state (`issued`, `replied`, …) as it stood at `asOf`. */
  state: string;
  snapshot: StoredSnapshot;
}

/** A case as it stood at an instant, rebuilt from its events alone. */
export interface RebuiltCase {
  caseId: string;
  asOf: string;
  /** The last event applied; equal to the case's version at that instant. */
  seq: number;
  version: number;
  /** The machine version the last applied event ran on. */
  machineVersion: number;
  state: string;
  stage: Stage;
  /** The unit that owned the case after the last applied event. */
  unitCode: string;
  snapshot: StoredSnapshot;
  /** The referrals issued by then, in the order they were issued. */
  referrals: RebuiltReferral[];
  /**
   * When every event of the case was applied: whether the rebuilt case and each of its referrals equal what
   * is stored (`cases.snapshot`, `referrals.snapshot`). Null for an instant before the latest event.
   */
  matchesStored: boolean | null;
  /**
   * The first event after which the replayed state differs from the state that event row recorded (null when
   * every replayed state agrees with the log): a machine version whose rules changed under its own number.
   */
  divergence: { seq: number; recorded: string; replayed: string } | null;
}

interface ReplayEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  facts: CaseFacts;
  machine_version: number;
  state: string;
  unit_code: string;
  referral_id: string | null;
}

interface StoredReferral {
  id: string;
  department_code: string;
  machine_version: number;
  snapshot: StoredSnapshot;
}

interface ReplayRow {
  kind: CaseKind;
  unit_path: string;
  snapshot: StoredSnapshot;
  version: number;
  referrals: StoredReferral[];
  events: ReplayEvent[];
  /** Events after the applied prefix. */
  later: string;
}

interface LiveReferral {
  id: string;
  departmentCode: string;
  workflow: MachineWorkflow;
  snapshot: AnyMachineSnapshot;
}

/**
 * Point-in-time reconstruction (docs/architecture.md, `GET /audit/cases/:id/state?asOf=`): replays a case's events in
 * `seq` order, each on the machine version it recorded, with the payload and facts the engine stored, so the
 * rebuild sees exactly what the engine saw. One query reads the case, its referrals and the events to apply;
 * each event goes through the machines' own `start` / `decide`, the functions the engine runs, and a
 * MIGRATE_MACHINE through the upgrade's mapping with the answers it recorded. An event the machine refuses on
 * replay changes nothing, and shows as a divergence.
 */
export class PointInTime {
  constructor(private readonly db: Database) {}

  /**
   * The case as it stood at `asOf`: every event up to the first one recorded after `asOf`. With `reader`, a
   * case outside the reader's scope is not found.
   */
  async rebuild(caseId: string, asOf: Date, reader?: Principal): Promise<RebuiltCase> {
    // The applied events are the longest seq prefix at or before asOf: a replay cannot skip an event.
    const [row] = await this.db.query<ReplayRow>(
      `WITH cut AS (
         SELECT coalesce(min(seq), 2147483647) AS first_later FROM case_events WHERE case_id = $1 AND at > $2
       )
       SELECT c.kind, c.snapshot, c.version, u.path AS unit_path,
              (SELECT count(*) FROM case_events e WHERE e.case_id = c.id AND e.seq >= cut.first_later) AS later,
              (SELECT coalesce(json_agg(r ORDER BY r.issued_seq, r.id), '[]')
                 FROM (SELECT id, department_code, machine_version, snapshot, issued_seq FROM referrals WHERE case_id = c.id) r
              ) AS referrals,
              (SELECT coalesce(json_agg(e ORDER BY e.seq), '[]')
                 FROM (SELECT seq, type, payload, facts, machine_version, state, unit_code, referral_id
                         FROM case_events WHERE case_id = c.id AND seq < cut.first_later) e
              ) AS events
         FROM cases c JOIN units u ON u.code = c.unit_code, cut
        WHERE c.id = $1`,
      [caseId, asOf],
    );
    if (!row || (reader && !inScope(reader, row.unit_path))) throw DomainError.notFound(`Case ${caseId}`);
    if (row.events.length === 0) {
      throw new DomainError(ErrorCode.NotFound, `The case did not exist yet at ${asOf.toISOString()}.`, {
        asOf: asOf.toISOString(),
      });
    }
    return replay(caseId, asOf, row);
  }
}

function replay(caseId: string, asOf: Date, row: ReplayRow): RebuiltCase {
  const storedReferrals = new Map(row.referrals.map((r) => [r.id, r]));
  const referrals = new Map<string, LiveReferral>();
  let workflow: CaseWorkflow | undefined;
  let snapshot: AnyMachineSnapshot | undefined;
  let divergence: RebuiltCase['divergence'] = null;
  const unreplayable = (event: ReplayEvent, why: string) =>
    new DomainError(
      ErrorCode.Conflict,
      `The event log of case ${caseId} cannot be replayed: event ${event.seq} (${event.type}) ${why}.`,
      {
        seq: event.seq,
      },
    );

  for (const event of row.events) {
    // A recorded event was admitted when it was logged: its payload (an added party's is sealed) is not checked again.
    const recorded = { type: event.type, payload: event.payload, admitted: true as const };
    let replayed: string;
    if (event.referral_id) {
      const referral = referrals.get(event.referral_id);
      if (!referral) throw unreplayable(event, `names referral ${event.referral_id}, which no earlier REFER issued`);
      const decision = decide(referral.workflow, referral.snapshot, recorded, event.facts);
      if (decision.ok) referral.snapshot = decision.next;
      replayed = statePath(referral.snapshot.value);
    } else {
      if (!snapshot || !workflow) {
        if (event.type !== 'REGISTER') throw unreplayable(event, 'comes before the case was registered');
        workflow = workflowFor(row.kind, event.machine_version);
        snapshot = start(workflow, {
          category: (event.payload.category as string | null | undefined) ?? null,
        }).next;
      } else if (event.type === MIGRATE_MACHINE) {
        // The same mapping the engine ran, with the answers it recorded.
        const migration = replayMigration(row.kind, workflow.version, snapshot, event.payload);
        if (!migration.ok) throw unreplayable(event, `is a migration the mapping now refuses: ${migration.reason}`);
        workflow = migration.workflow;
        snapshot = migration.next;
      } else {
        if (event.machine_version !== workflow.version) {
          throw unreplayable(
            event,
            `ran on machine version ${event.machine_version}, but no ${MIGRATE_MACHINE} moved the case there ` +
              `from version ${workflow.version}`,
          );
        }
        const decision = decide(workflow, snapshot, recorded, event.facts);
        if (decision.ok) {
          snapshot = decision.next;
          if (decision.effects.some((e) => e.kind === 'referrals.issue'))
            issue(event, workflow!, storedReferrals, referrals);
        }
      }
      replayed = statePath(snapshot.value);
    }
    if (!divergence && replayed !== event.state) divergence = { seq: event.seq, recorded: event.state, replayed };
  }

  const last = row.events[row.events.length - 1]!;
  const state = statePath(snapshot!.value);
  const rebuilt = storeSnapshot(snapshot!);
  const rebuiltReferrals = [...referrals.values()].map((r): RebuiltReferral => ({
    id: r.id,
    departmentCode: r.departmentCode,
    state: statePath(r.snapshot.value),
    snapshot: storeSnapshot(r.snapshot),
  }));
  const complete = Number(row.later) === 0;
  return {
    caseId,
    asOf: asOf.toISOString(),
    seq: last.seq,
    version: last.seq,
    machineVersion: workflow!.version,
    state,
    stage: stageOf(state),
    unitCode: last.unit_code,
    snapshot: rebuilt,
    referrals: rebuiltReferrals,
    matchesStored: complete
      ? sameSnapshot(rebuilt, row.snapshot) && sameReferrals(rebuiltReferrals, row.referrals)
      : null,
    divergence,
  };
}

/** A recorded MIGRATE_MACHINE, replayed: the upgrade from the case's version, with the recorded answers. */
function replayMigration(
  kind: CaseKind,
  fromVersion: number,
  snapshot: AnyMachineSnapshot,
  payload: Record<string, unknown>,
): { ok: true; workflow: CaseWorkflow; next: AnyMachineSnapshot } | { ok: false; reason: string } {
  const upgrade = upgradeFrom(kind, fromVersion);
  if (!upgrade || upgrade.to !== payload.toVersion) {
    return { ok: false, reason: `no upgrade of a ${kind} from version ${fromVersion} to ${String(payload.toVersion)}` };
  }
  const request = {
    toVersion: upgrade.to,
    answers: (payload.answers ?? {}) as Record<string, string>,
    reason: String(payload.reason),
  };
  const migration = migrateSnapshot(workflows[kind], upgrade, storeSnapshot(snapshot), request);
  return migration.ok ? migration : { ok: false, reason: migration.refusal.message };
}

/**
 * The referrals a REFER issued, started as the engine starts them: one per department its facts name, with
 * the ids its facts drew, on the referral machine version each referral row recorded.
 */
function issue(
  event: ReplayEvent,
  caseWorkflow: CaseWorkflow,
  stored: Map<string, StoredReferral>,
  live: Map<string, LiveReferral>,
): void {
  for (const { id, input } of referralsIssued(event.payload, event.facts, event.type)) {
    const recorded = stored.get(id);
    const workflow = recorded ? referralWorkflowFor(recorded.machine_version) : referralWorkflowOf(caseWorkflow);
    live.set(id, { id, departmentCode: input.departmentCode, workflow, snapshot: start(workflow, input).next });
  }
}

/** Equal as stored JSON: jsonb drops `undefined` members and does not keep key order. */
const sameSnapshot = (a: StoredSnapshot, b: StoredSnapshot) =>
  canonicalJson(JSON.parse(JSON.stringify(a))) === canonicalJson(b);

function sameReferrals(rebuilt: RebuiltReferral[], stored: StoredReferral[]): boolean {
  if (rebuilt.length !== stored.length) return false;
  const byId = new Map(stored.map((r) => [r.id, r]));
  return rebuilt.every((r) => {
    const s = byId.get(r.id);
    return s !== undefined && s.department_code === r.departmentCode && sameSnapshot(r.snapshot, s.snapshot);
  });
}
