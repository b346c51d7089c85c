import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { GENESIS_HASH, eventHash, type ChainedEvent } from '../../audit/src/index.js';
import type { Clock } from '../../clock/src/index.js';
import type { DeadlineBook, DeadlineJob } from '../../deadlines/src/deadline-book.js';
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
import { failpoint } from '../../failpoints/src/failpoints.js';
import type { OutboxMessage } from '../../outbox/src/outbox.js';
import type { PartyInput, PartyVault, SealedParty } from '../../parties/src/index.js';
import { randomCode, uuidv7, type Database, type Tx } from '../../persistence/src/index.js';
import { JobName, QueueName } from '../../queues/src/index.js';
import { latestWorkflow, workflowFor } from '../../../workflows/index.js';
import { CASE_COLUMNS, toCaseRecord, type CaseRecord, type CaseRow } from './case-record.js';
import { insertCase, updateCase } from './case-writes.js';
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
  /** The status of the deadline row the event fires, read under the case lock. */
  deadline_status: string | null;
}

const REFERENCE_PREFIX: Record<CaseKind, string> = { dispute: 'DSP', petition: 'PET' };

/**
 * The one place that turns an event into a persisted transition (DESIGN.md §2.1). Each call is one
 * PostgreSQL transaction: lock the case, restore its machine at its own version, compute the next snapshot
 * with XState's pure `transition`, then write the case, one hash-chained event, its clocks and the outbox
 * rows for its effects, in one statement. A refused event writes nothing.
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
      const [unit] = await tx.prepared<{ level: UnitLevel; parent_code: string | null; path: string; n: string }>(
        'case_open_unit',
        `SELECT level, parent_code, path, nextval('case_reference_seq') AS n FROM units WHERE code = $1`,
        [command.unitCode],
      );
      if (!unit) throw DomainError.validation([{ field: 'unitCode', message: `unit ${command.unitCode} does not exist` }]);
      if (command.scope !== null && !unit.path.startsWith(command.scope)) {
        throw DomainError.forbidden(`Unit ${command.unitCode} is outside your scope.`);
      }
      const [snapshot, actions] = initialTransition(workflow.machine, { category: command.category ?? null });
      const year = new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear(); // China Standard Time, no DST
      const row: CaseRow = {
        id: uuidv7(now.getTime()),
        reference: `${REFERENCE_PREFIX[command.kind]}-${year}-${unit.n.padStart(6, '0')}`,
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
      const deadlines = await this.deadlines.plan(tx, {
        caseId: row.id, category: row.category, unitCode: row.unit_code, before: new Map(), after: declaredClocks(snapshot),
        restarted: new Set(), now,
      });
      const outbox = await this.effects(tx, row, effects, { type: 'REGISTER', payload }, now);
      await insertCase(tx, { row, event, parties, outbox: [...deadlines.messages, ...outbox], deadlines, now });
      return { case: toCaseRecord(row), event: summary(event) };
    });
  }

  /** Applies the event; resolves to null only when it fires a deadline that is no longer pending. */
  async send(command: SendEvent & { firesDeadline: string }): Promise<Transition | null>;
  async send(command: SendEvent): Promise<Transition>;
  async send(command: SendEvent): Promise<Transition | null> {
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      // A fired deadline's row is read under the case lock, so a transition that leaves its state cannot slip
      // in between; rows are always locked case first, deadlines second.
      const [locked] = await tx.prepared<LockedCase>(
        'case_lock',
        `SELECT ${CASE_COLUMNS}, u.level AS unit_level, u.parent_code AS unit_parent, u.path AS unit_path,
                (SELECT status FROM deadlines WHERE id = $2::uuid AND case_id = c.id) AS deadline_status
           FROM cases c JOIN units u ON u.code = c.unit_code
          WHERE c.id = $1 FOR NO KEY UPDATE OF c`,
        [command.caseId, command.firesDeadline ?? null],
      );
      if (!locked || (command.scope !== null && !locked.unit_path.startsWith(command.scope))) {
        throw DomainError.notFound(`Case ${command.caseId}`);
      }
      if (command.firesDeadline && locked.deadline_status !== 'pending') return null;
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
      const added: SealedParty[] = command.type === 'ADD_PARTY' ? this.parties.seal([payload as unknown as PartyInput], now) : [];
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
      const after = declaredClocks(next);
      const deadlines = await this.deadlines.plan(tx, {
        caseId: row.id, category: row.category, unitCode: row.unit_code, before: declaredClocks(snapshot), after,
        restarted: restartedClocks(workflow, snapshot, machineEvent, after), firedRowId: command.firesDeadline,
        extension: command.type === 'EXTEND_DEADLINE' ? (payload as { days: number; reason: string }) : undefined, now,
      });
      const outbox = await this.effects(tx, row, effects, { type: command.type, payload }, now);
      await updateCase(tx, { row, event, parties: added, outbox: [...deadlines.messages, ...outbox], deadlines, now }, locked.version);
      return { case: toCaseRecord(row), event: summary(event) };
    });
  }

  /**
   * Fires a deadline row: DEADLINE_ELAPSED for a clock, DEADLINE_WARNING for one of its warnings. Exactly once:
   * a row that is no longer pending (fired, or its state was left) is ignored, and one not yet due by this
   * engine's clock is reported so the caller can wait. The job carries the row's immutable facts, so firing
   * needs no read beyond the transition's own.
   */
  async fireDeadline(job: DeadlineJob): Promise<FireOutcome> {
    if (Date.parse(job.dueAt) > this.clock.now().getTime()) return { outcome: 'not-due', dueAt: new Date(job.dueAt) };
    return this.db.transaction(async (tx) => {
      const fired = await this.send({
        caseId: job.caseId,
        type: job.kind === 'due' ? 'DEADLINE_ELAPSED' : 'DEADLINE_WARNING',
        payload: job.kind === 'due' ? { deadlineId: job.clockId } : { deadlineId: job.clockId, percent: job.percent },
        actor: SYSTEM_ACTORS.deadlines,
        scope: null,
        systemFacts: { deadline: { id: job.clockId, key: job.key } },
        firesDeadline: job.deadlineId,
      });
      failpoint('deadline.beforeCommit');
      return fired ? { outcome: 'fired' } : { outcome: 'ignored', reason: 'no longer pending' };
    });
  }

  /** Links go in with the transaction; everything else becomes outbox rows, with a `case.event` for subscribers. */
  private async effects(
    tx: Tx,
    row: CaseRow,
    effects: Effect[],
    origin: { type: string; payload: Record<string, unknown> },
    now: Date,
  ): Promise<OutboxMessage[]> {
    const messages: OutboxMessage[] = [
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
          break; // applied by moveOwnership before the event was chained
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
    return messages;
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

const summary = ({ chained, hash }: ChainLink): Transition['event'] => ({
  seq: chained.seq,
  type: chained.type,
  at: new Date(chained.at),
  hash,
});

function effectsOf(actions: Array<{ type: string; params?: unknown }>): Effect[] {
  return actions.filter((a) => a.type === 'effect').map((a) => a.params as Effect);
}

/** Ownership changes first, so the chained event records the unit that owns the case after it. */
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
