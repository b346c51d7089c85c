import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { GENESIS_HASH, eventHash, type ChainedEvent } from '../../audit/src/index.js';
import type { Clock } from '../../clock/src/index.js';
import {
  DomainError,
  ErrorCode,
  stageOf,
  statePath,
  validate,
  SYSTEM_ACTORS,
  type Actor,
  type CaseContextBase,
  type CaseFacts,
  type CaseKind,
  type Channel,
  type Effect,
  type MachineEvent,
  type UnitLevel,
} from '../../domain/src/index.js';
import { writeOutbox, type OutboxMessage } from '../../outbox/src/outbox.js';
import type { PartyInput, PartyVault } from '../../parties/src/index.js';
import { randomCode, uuidv7, type Database, type Tx } from '../../persistence/src/index.js';
import { JobName, QueueName } from '../../queues/src/index.js';
import { latestWorkflow, workflowFor } from '../../../workflows/index.js';
import type { DeadlineBook } from '../../deadlines/src/deadline-book.js';
import { failpoint } from '../../failpoints/src/failpoints.js';
import { CASE_COLUMNS, toCaseRecord, type CaseRecord, type CaseRow } from './case-record.js';
import { resolveFacts } from './facts.js';
import { declaredClocks, explainRefusal, restartedClocks, restoreSnapshot, storeSnapshot } from './machine-runtime.js';

export interface OpenCase {
  kind: CaseKind;
  channel: Channel;
  unitCode: string;
  summary: string;
  description: string;
  category?: string | null;
  occurredAt?: string | null;
  parties: PartyInput[];
  actor: Actor;
  /** The actor's unit path prefix (`/D1/S2/`); null = every unit. */
  scope: string | null;
}

export interface SendEvent {
  caseId: string;
  type: string;
  payload?: unknown;
  /** When given, the event applies only if the case is still at this version (409 otherwise). */
  expectedVersion?: number;
  actor: Actor;
  scope: string | null;
  /** Facts only Concord itself can state (which deadline fired). */
  systemFacts?: Pick<CaseFacts, 'deadline'>;
  /** The deadline row this event fires: the event applies only while that row is still pending. */
  firesDeadline?: string;
}

export type FireOutcome = { outcome: 'fired' } | { outcome: 'ignored'; reason: string } | { outcome: 'not-due'; dueAt: Date };

export interface Transition {
  case: CaseRecord;
  event: { seq: number; type: string; at: Date; hash: string };
}

interface LockedCase extends CaseRow {
  unit_level: UnitLevel;
  unit_parent: string | null;
  unit_path: string;
}

const REFERENCE_PREFIX: Record<CaseKind, string> = { dispute: 'DSP', petition: 'PET' };

/**
 * The one place that turns an event into a persisted transition (DESIGN.md §2.1). Each call is one
 * PostgreSQL transaction: lock the case, restore its machine at its own version, compute the next snapshot
 * with XState's pure `transition`, then write the case, one hash-chained event and the outbox rows for its
 * effects. A refused event writes nothing.
 */
export class CaseEngine {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly parties: PartyVault,
    private readonly deadlines: DeadlineBook,
  ) {}

  async open(command: OpenCase): Promise<Transition> {
    const workflow = latestWorkflow(command.kind);
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const [unit] = await tx.query<{ level: UnitLevel; parent_code: string | null; path: string }>(
        'SELECT level, parent_code, path FROM units WHERE code = $1',
        [command.unitCode],
      );
      if (!unit) throw DomainError.validation([{ field: 'unitCode', message: `unit ${command.unitCode} does not exist` }]);
      if (command.scope !== null && !unit.path.startsWith(command.scope)) {
        throw DomainError.forbidden(`Unit ${command.unitCode} is outside your scope.`);
      }
      const id = uuidv7(now.getTime());
      const [snapshot, actions] = initialTransition(workflow.machine, { category: command.category ?? null });
      const [{ n }] = (await tx.query<{ n: string }>("SELECT nextval('case_reference_seq') AS n")) as [{ n: string }];
      const year = new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear(); // China Standard Time, no DST
      const row: CaseRow = {
        id,
        reference: `${REFERENCE_PREFIX[command.kind]}-${year}-${n.padStart(6, '0')}`,
        query_code: randomCode(12),
        kind: command.kind,
        machine_version: workflow.version,
        state: statePath(snapshot.value),
        stage: stageOf(statePath(snapshot.value)),
        version: 1,
        unit_code: command.unitCode,
        channel: command.channel,
        category: null,
        risk_level: null,
        outcome: null,
        supervised: false,
        summary: command.summary,
        description: command.description,
        occurred_at: command.occurredAt ? new Date(command.occurredAt) : null,
        snapshot: storeSnapshot(snapshot),
        head_hash: GENESIS_HASH,
        created_by: command.actor.id,
        created_at: now,
        updated_at: now,
      };
      copyContextColumns(row, snapshot);
      const parties = this.parties.seal(command.parties, now);
      const payload = {
        kind: command.kind,
        channel: command.channel,
        unitCode: command.unitCode,
        summary: command.summary,
        description: command.description,
        category: command.category ?? null,
        occurredAt: row.occurred_at?.toISOString() ?? null,
        parties: parties.map((p) => p.ref),
      };
      const facts: CaseFacts = { unit: { code: command.unitCode, level: unit.level, hasParent: unit.parent_code !== null } };
      const effects = effectsOf(actions);
      moveOwnership(row, effects, unit.parent_code);
      const event = chain(row, 'REGISTER', payload, facts, command.actor, now, GENESIS_HASH);
      await tx.query(
        `INSERT INTO cases (id, reference, query_code, kind, machine_version, state, stage, version, unit_code, channel,
           category, risk_level, outcome, supervised, summary, description, occurred_at, snapshot, head_hash,
           created_by, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`,
        [
          row.id, row.reference, row.query_code, row.kind, row.machine_version, row.state, row.stage, row.version,
          row.unit_code, row.channel, row.category, row.risk_level, row.outcome, row.supervised, row.summary,
          row.description, row.occurred_at, row.snapshot, row.head_hash, row.created_by, row.created_at, row.updated_at,
        ],
      );
      await this.parties.insert(tx, id, parties, 1, now);
      await insertEvent(tx, event);
      const clocks = await this.deadlines.apply(tx, {
        caseId: id, category: row.category, unitCode: row.unit_code, state: row.state, version: 1,
        before: new Map(), after: declaredClocks(snapshot), restarted: new Set(), now,
      });
      await this.carryOut(tx, row, effects, { type: 'REGISTER', payload }, now, clocks);
      return { case: toCaseRecord(row), event: summary(event) };
    });
  }

  /** Applies the event; resolves to null only when it fires a deadline that is no longer pending. */
  async send(command: SendEvent & { firesDeadline: string }): Promise<Transition | null>;
  async send(command: SendEvent): Promise<Transition>;
  async send(command: SendEvent): Promise<Transition | null> {
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const [locked] = await tx.prepared<LockedCase>(
        'case_lock',
        `SELECT ${CASE_COLUMNS}, u.level AS unit_level, u.parent_code AS unit_parent, u.path AS unit_path
         FROM cases c JOIN units u ON u.code = c.unit_code
         WHERE c.id = $1 FOR NO KEY UPDATE OF c`,
        [command.caseId],
      );
      if (!locked || (command.scope !== null && !locked.unit_path.startsWith(command.scope))) {
        throw DomainError.notFound(`Case ${command.caseId}`);
      }
      if (command.expectedVersion !== undefined && command.expectedVersion !== locked.version) {
        throw new DomainError(
          ErrorCode.VersionConflict,
          `The case is at version ${locked.version}, not ${command.expectedVersion}.`,
          { currentVersion: locked.version },
        );
      }
      const workflow = workflowFor(locked.kind, locked.machine_version);
      const spec = workflow.events[command.type];
      if (!spec) {
        throw DomainError.validation([
          { field: 'type', message: `is not an event of a ${locked.kind} case (known: ${Object.keys(workflow.events).join(', ')})` },
        ]);
      }
      if (spec.source === 'system' && command.actor.role !== 'system') {
        throw new DomainError(ErrorCode.SystemEventOnly, `${command.type} is sent by Concord itself, never by a client.`);
      }
      const checked = validate(spec.payload, command.payload ?? {}, 'payload');
      if (!checked.ok) throw DomainError.validation(checked.errors, `The ${command.type} payload is invalid.`);
      let payload = checked.value as Record<string, unknown>;

      if (command.firesDeadline) {
        // Under the case lock, so a concurrent transition that leaves the state cannot slip in between.
        const [row] = await tx.query<{ status: string }>('SELECT status FROM deadlines WHERE id = $1 FOR UPDATE', [command.firesDeadline]);
        if (row?.status !== 'pending') return null;
      }
      const snapshot = restoreSnapshot(workflow, locked.snapshot);
      const facts: CaseFacts = {
        unit: { code: locked.unit_code, level: locked.unit_level, hasParent: locked.unit_parent !== null },
        ...(await resolveFacts(command.type, { tx, caseId: locked.id, kind: locked.kind, payload, now, scope: command.scope })),
        ...command.systemFacts,
      };
      const probe: MachineEvent = { type: command.type, payload, facts };
      if (workflow.machine.getTransitionData(snapshot as never, probe as never).length === 0) {
        throw explainRefusal(workflow, snapshot, probe);
      }
      const seq = locked.version + 1;
      // The event log never holds PII: an added party is logged by id and keyed digest.
      const added = command.type === 'ADD_PARTY' ? this.parties.seal([payload as unknown as PartyInput], now) : [];
      if (added[0]) payload = { ...added[0].ref };
      const machineEvent: MachineEvent = { type: command.type, payload, facts };
      const [next, actions] = transition(workflow.machine, snapshot, machineEvent as never);
      const row: CaseRow = {
        ...locked,
        state: statePath(next.value),
        stage: stageOf(statePath(next.value)),
        version: seq,
        snapshot: storeSnapshot(next),
        updated_at: now,
      };
      copyContextColumns(row, next);
      const effects = effectsOf(actions);
      moveOwnership(row, effects, locked.unit_parent);
      const event = chain(row, command.type, payload, facts, command.actor, now, locked.head_hash);
      const updated = await tx.prepared(
        'case_update',
        `UPDATE cases SET state = $2, stage = $3, version = $4, unit_code = $5, category = $6, risk_level = $7,
           outcome = $8, supervised = $9, snapshot = $10, head_hash = $11, updated_at = $12
         WHERE id = $1 AND version = $13 RETURNING id`,
        [
          row.id, row.state, row.stage, row.version, row.unit_code, row.category, row.risk_level, row.outcome,
          row.supervised, row.snapshot, row.head_hash, row.updated_at, locked.version,
        ],
      );
      // The row is locked, so this cannot happen unless something bypassed the engine; fail loudly.
      if (updated.length !== 1) throw new Error(`case ${row.id} changed under its lock`);
      await this.parties.insert(tx, row.id, added, seq, now);
      await insertEvent(tx, event);
      const after = declaredClocks(next);
      const clocks = await this.deadlines.apply(tx, {
        caseId: row.id, category: row.category, unitCode: row.unit_code, state: row.state, version: seq,
        before: declaredClocks(snapshot), after, restarted: restartedClocks(workflow, snapshot, machineEvent, after),
        firedRowId: command.firesDeadline,
        extension: command.type === 'EXTEND_DEADLINE' ? (payload as { days: number; reason: string }) : undefined,
        now,
      });
      await this.carryOut(tx, row, effects, { type: command.type, payload }, now, clocks);
      return { case: toCaseRecord(row), event: summary(event) };
    });
  }

  /**
   * Fires a deadline row: DEADLINE_ELAPSED for a clock, DEADLINE_WARNING for one of its warnings. Exactly once:
   * a row that is no longer pending (fired, or its state was left) is ignored, and one not yet due by this
   * engine's clock is reported so the caller can wait.
   */
  async fireDeadline(deadlineId: string): Promise<FireOutcome> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ case_id: string; key: string; kind: 'due' | 'warning'; percent: number | null; clock_id: string; status: string; due_at: Date }>(
        'SELECT case_id, key, kind, percent, clock_id, status, due_at FROM deadlines WHERE id = $1',
        [deadlineId],
      );
      if (!row) return { outcome: 'ignored', reason: 'no such deadline' };
      if (row.status !== 'pending') return { outcome: 'ignored', reason: `already ${row.status}` };
      if (row.due_at.getTime() > this.clock.now().getTime()) return { outcome: 'not-due', dueAt: row.due_at };
      const fired = await this.send({
        caseId: row.case_id,
        type: row.kind === 'due' ? 'DEADLINE_ELAPSED' : 'DEADLINE_WARNING',
        payload: row.kind === 'due' ? { deadlineId: row.clock_id } : { deadlineId: row.clock_id, percent: row.percent },
        actor: SYSTEM_ACTORS.deadlines,
        scope: null,
        systemFacts: { deadline: { id: row.clock_id, key: row.key } },
        firesDeadline: deadlineId,
      });
      failpoint('deadline.beforeCommit');
      return fired ? { outcome: 'fired' } : { outcome: 'ignored', reason: 'no longer pending' };
    });
  }

  /**
   * Links go in with the transaction; everything else becomes an outbox row for the worker. Every
   * transition also publishes a `case.event` message for subscribers.
   */
  private async carryOut(
    tx: Tx,
    row: CaseRow,
    effects: Effect[],
    origin: { type: string; payload: Record<string, unknown> },
    now: Date,
    clocks: OutboxMessage[],
  ): Promise<void> {
    const messages: OutboxMessage[] = [
      ...clocks,
      {
        queue: QueueName.Notifications,
        name: JobName.CaseEvent,
        payload: { caseId: row.id, seq: row.version, type: origin.type, state: row.state, unitCode: row.unit_code },
      },
    ];
    for (const effect of effects) {
      switch (effect.kind) {
        case 'unit.escalate':
        case 'unit.assign':
          break; // applied by moveOwnership before the event was appended
        case 'case.merge':
          await tx.query(
            `INSERT INTO case_links (case_id, linked_case_id, relation, seq, created_at) VALUES ($1, $2, 'merged_into', $3, $4)`,
            [row.id, effect.intoCaseId, row.version, now],
          );
          break;
        case 'referrals.issue':
          messages.push({
            queue: QueueName.Referrals,
            name: JobName.ReferralIssue,
            payload: { caseId: row.id, seq: row.version, referralIds: effect.referralIds, request: origin.payload },
          });
          break;
        case 'notify':
          messages.push({
            queue: QueueName.Notifications,
            name: JobName.Notify,
            payload: { caseId: row.id, seq: row.version, topic: effect.topic, detail: effect.detail ?? null, unitCode: row.unit_code },
          });
          break;
        default:
          throw new Error(`unknown effect ${(effect as { kind: string }).kind}`);
      }
    }
    await writeOutbox(tx, row.id, messages, now);
  }
}

interface ChainLink {
  chained: ChainedEvent;
  prevHash: string;
  hash: string;
}

/** Hashes the event onto the chain and moves the case's head hash to it. */
function chain(row: CaseRow, type: string, payload: unknown, facts: CaseFacts, actor: Actor, at: Date, prevHash: string): ChainLink {
  const chained: ChainedEvent = {
    caseId: row.id,
    seq: row.version,
    type,
    payload,
    facts,
    actor,
    at: at.toISOString(),
    machineVersion: row.machine_version,
    state: row.state,
    unitCode: row.unit_code,
  };
  const hash = eventHash(prevHash, chained);
  row.head_hash = hash;
  return { chained, prevHash, hash };
}

async function insertEvent(tx: Tx, { chained: e, prevHash, hash }: ChainLink): Promise<void> {
  await tx.prepared(
    'case_event_insert',
    `INSERT INTO case_events (case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      e.caseId, e.seq, e.type, JSON.stringify(e.payload), JSON.stringify(e.facts), JSON.stringify(e.actor), e.at,
      e.machineVersion, e.state, e.unitCode, prevHash, hash,
    ],
  );
}

const summary = ({ chained, hash }: ChainLink): Transition['event'] => ({
  seq: chained.seq,
  type: chained.type,
  at: new Date(chained.at),
  hash,
});

function effectsOf(actions: Array<{ type: string; params?: unknown }>): Effect[] {
  return actions.filter((a) => a.type === 'effect').map((a) => a.params as Effect);
}

/** Ownership changes first, so the appended event records the unit that owns the case after it. */
function moveOwnership(row: CaseRow, effects: Effect[], parentUnit: string | null): void {
  for (const effect of effects) {
    if (effect.kind === 'unit.escalate' && parentUnit) row.unit_code = parentUnit;
    if (effect.kind === 'unit.assign') row.unit_code = effect.unitCode;
  }
}

function copyContextColumns(row: CaseRow, snapshot: AnyMachineSnapshot): void {
  const context = snapshot.context as CaseContextBase;
  row.category = context.category;
  row.risk_level = context.riskLevel;
  row.outcome = context.outcome;
  row.supervised = context.supervised;
}
