import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { GENESIS_HASH, eventHash, type ChainedEvent } from '#audit';
import type { Clock } from '#clock';
import type { DeadlineBook, DeadlineJob, DeadlinePlan } from '#deadlines';
import {
  DomainError,
  ErrorCode,
  instantProblem,
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
  type MachineWorkflow,
  type ReferralInput,
  type UnitLevel,
} from '#domain';
import { failpoint } from '#failpoints';
import type { OutboxMessage } from '#outbox';
import type { PartyInput, PartyVault, SealedParty } from '#parties';
import { randomCode, uuidv7, type Database, type Tx } from '#persistence';
import { JobName, QueueName } from '#queues';
import {
  declaredClocks,
  explainRefusal,
  latestReferralWorkflow,
  latestWorkflow,
  referralWorkflowFor,
  restartedClocks,
  restoreSnapshot,
  type StoredSnapshot,
  storeSnapshot,
  workflowFor,
} from '#workflows';
import type { ReferralContext } from '#workflows';
import { CASE_COLUMNS, toCaseRecord, type CaseRecord, type CaseRow } from './case-record.js';
import { insertCase, updateCase, type NewDelivery, type NewReferral } from './case-writes.js';
import { cloudEventBody, cloudEventType, type ReferralEventData } from './referral-events.js';
import { resolveFacts } from './facts.js';

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

/** An event for a referral: from its department over the API, or from Concord (deadlines, its case). */
export interface ReferralCommand {
  referralId: string;
  type: string;
  payload?: unknown;
  /** When given, the event applies only if the referral is still at this version (409 otherwise). */
  expectedVersion?: number;
  actor: Actor;
  /** The acting department: another department's referral is not found. Null for Concord itself. */
  departmentCode: string | null;
  /**
   * The acting key's unit path prefix: a referral of a case owned outside it is not found. Null for an
   * unscoped key and for Concord itself.
   */
  scope: string | null;
  systemFacts?: Pick<CaseFacts, 'deadline'>;
  firesDeadline?: string;
}

export interface ReferralTransition {
  referralId: string;
  caseId: string;
  state: string;
  version: number;
  event: Transition['event'];
}

export type FireOutcome =
  { outcome: 'fired' } | { outcome: 'ignored'; reason: string } | { outcome: 'not-due'; dueAt: Date };

export interface Transition {
  case: CaseRecord;
  event: { seq: number; type: string; at: Date; hash: string };
}

interface ReferralRow {
  id: string;
  case_id: string;
  department_code: string;
  role: string;
  machine_version: number;
  state: string;
  version: number;
  snapshot: StoredSnapshot;
  instructions: string;
  has_webhook: boolean;
}

const SETTLED_REFERRAL_STATES = ['rejected', 'closed', 'cancelled'];

interface LockedCase extends CaseRow {
  unit_level: UnitLevel;
  unit_parent: string | null;
  unit_path: string;
  /** The status of the deadline row the event fires, read under the case lock. */
  deadline_status: string | null;
}

const REFERENCE_PREFIX: Record<CaseKind, string> = { dispute: 'DSP', petition: 'PET' };

/**
 * The one place that turns an event into a persisted transition (docs/architecture.md). Each call is one
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
    const occurredAt = command.occurredAt == null ? null : instantProblem(command.occurredAt);
    if (occurredAt) throw DomainError.validation([{ field: 'occurredAt', message: occurredAt }]);
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const [unit] = await tx.prepared<{ level: UnitLevel; parent_code: string | null; path: string; n: string }>(
        'case_open_unit',
        `SELECT level, parent_code, path, nextval('case_reference_seq') AS n FROM units WHERE code = $1`,
        [command.unitCode],
      );
      if (!unit)
        throw DomainError.validation([{ field: 'unitCode', message: `unit ${command.unitCode} does not exist` }]);
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
      const facts: CaseFacts = {
        unit: { code: command.unitCode, level: unit.level, hasParent: unit.parent_code !== null },
      };
      const effects = effectsOf(actions);
      moveOwnership(row, effects, unit.parent_code);
      const event = chain(row, 'REGISTER', payload, facts, command.actor, now, GENESIS_HASH);
      const deadlines = await this.deadlines.plan(tx, {
        caseId: row.id,
        category: row.category,
        unitCode: row.unit_code,
        before: new Map(),
        after: declaredClocks(snapshot),
        restarted: new Set(),
        now,
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
      const locked = await this.lockCase(tx, command.caseId, command.firesDeadline);
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
      let payload = checkedPayload(workflow, `a ${locked.kind} case`, command);

      const snapshot = restoreSnapshot(workflow, locked.snapshot);
      const facts: CaseFacts = {
        unit: { code: locked.unit_code, level: locked.unit_level, hasParent: locked.unit_parent !== null },
        ...(await resolveFacts(command.type, {
          tx,
          caseId: locked.id,
          kind: locked.kind,
          payload,
          now,
          scope: command.scope,
        })),
        ...command.systemFacts,
      };
      const probe: MachineEvent = { type: command.type, payload, facts };
      if (workflow.machine.getTransitionData(snapshot as never, probe as never).length === 0) {
        throw explainRefusal(workflow, snapshot, probe);
      }
      const seq = locked.version + 1;
      // The event log never holds PII: an added party is logged by id and keyed digest.
      const added: SealedParty[] =
        command.type === 'ADD_PARTY' ? this.parties.seal([payload as unknown as PartyInput], now) : [];
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
        caseId: row.id,
        category: row.category,
        unitCode: row.unit_code,
        before: declaredClocks(snapshot),
        after,
        restarted: restartedClocks(workflow, snapshot, machineEvent, after),
        firedRowId: command.firesDeadline,
        extension: command.type === 'EXTEND_DEADLINE' ? (payload as { days: number; reason: string }) : undefined,
        now,
      });
      const outbox = await this.effects(tx, row, effects, { type: command.type, payload }, now);
      const issue = effects.some((e) => e.kind === 'referrals.issue')
        ? await this.issue(tx, row, event, payload, facts, now)
        : { referrals: [], deliveries: [], deadlines: NO_CLOCKS };
      await updateCase(
        tx,
        {
          row,
          event,
          parties: added,
          now,
          outbox: [...deadlines.messages, ...issue.deadlines.messages, ...outbox, ...issue.deliveries.map(deliveryJob)],
          deadlines: { ...deadlines, rows: [...deadlines.rows, ...issue.deadlines.rows] },
          issued: issue.referrals,
          deliveries: issue.deliveries,
        },
        locked.version,
      );
      if (effects.some((e) => e.kind === 'referrals.settle')) {
        await this.settleReferrals(row, `The case moved on to ${row.state} (${command.type}).`);
      }
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
    return this.db.transaction(async () => {
      const event = {
        type: job.kind === 'due' ? 'DEADLINE_ELAPSED' : 'DEADLINE_WARNING',
        payload: job.kind === 'due' ? { deadlineId: job.clockId } : { deadlineId: job.clockId, percent: job.percent },
        actor: SYSTEM_ACTORS.deadlines,
        systemFacts: { deadline: { id: job.clockId, key: job.key } },
        firesDeadline: job.deadlineId,
      };
      const fired = job.referralId
        ? await this.act({ ...event, referralId: job.referralId, departmentCode: null, scope: null })
        : await this.send({ ...event, caseId: job.caseId, scope: null });
      failpoint('deadline.beforeCommit');
      return fired ? { outcome: 'fired' } : { outcome: 'ignored', reason: 'no longer pending' };
    });
  }

  /**
   * Applies an event to a referral, in the same kind of transaction as a case's: the case is locked first (a
   * referral's events join the case's hash chain), then the referral. A reply or rejection goes on into the
   * case as REFERRAL_REPLIED / REFERRAL_REJECTED in the same transaction. Resolves to null only when it fires
   * a deadline that is no longer pending.
   */
  async act(command: ReferralCommand & { firesDeadline: string }): Promise<ReferralTransition | null>;
  async act(command: ReferralCommand): Promise<ReferralTransition>;
  async act(command: ReferralCommand): Promise<ReferralTransition | null> {
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const notFound = () => DomainError.notFound(`Referral ${command.referralId}`);
      const [owner] = await tx.prepared<{ case_id: string; department_code: string }>(
        'referral_owner',
        'SELECT case_id, department_code FROM referrals WHERE id = $1',
        [command.referralId],
      );
      // Another department's referral is reported exactly like one that does not exist.
      if (!owner || (command.departmentCode !== null && owner.department_code !== command.departmentCode))
        throw notFound();
      const locked = await this.lockCase(tx, owner.case_id, command.firesDeadline);
      // The case's unit is read under its lock, so an escalation that just moved it out of scope counts.
      if (!locked || (command.scope !== null && !locked.unit_path.startsWith(command.scope))) throw notFound();
      const [referral] = await tx.prepared<ReferralRow>(
        'referral_lock',
        `SELECT r.id, r.case_id, r.department_code, r.role, r.machine_version, r.state, r.version, r.snapshot, r.instructions,
                d.webhook_url IS NOT NULL AS has_webhook
           FROM referrals r JOIN departments d ON d.code = r.department_code
          WHERE r.id = $1 FOR NO KEY UPDATE OF r`,
        [command.referralId],
      );
      if (!referral) throw notFound();
      if (command.firesDeadline && locked.deadline_status !== 'pending') return null;
      if (command.expectedVersion !== undefined && command.expectedVersion !== referral.version) {
        throw new DomainError(
          ErrorCode.VersionConflict,
          `The referral is at version ${referral.version}, not ${command.expectedVersion}.`,
          { currentVersion: referral.version },
        );
      }
      const workflow = referralWorkflowFor(referral.machine_version);
      const payload = checkedPayload(workflow, 'a referral', command);

      const snapshot = restoreSnapshot(workflow, referral.snapshot);
      const facts: CaseFacts = {
        unit: { code: locked.unit_code, level: locked.unit_level, hasParent: locked.unit_parent !== null },
        ...command.systemFacts,
      };
      const machineEvent: MachineEvent = { type: command.type, payload, facts };
      if (workflow.machine.getTransitionData(snapshot as never, machineEvent as never).length === 0) {
        throw explainRefusal(workflow, snapshot, machineEvent);
      }
      const [next, actions] = transition(workflow.machine, snapshot, machineEvent as never);
      const state = statePath(next.value);
      const context = next.context as ReferralContext;
      const row: CaseRow = { ...locked, version: locked.version + 1, updated_at: now };
      const event = chain(row, command.type, payload, facts, command.actor, now, locked.head_hash, {
        referralId: referral.id,
        state,
      });
      const after = declaredClocks(next);
      const deadlines = await this.deadlines.plan(tx, {
        caseId: row.id,
        category: row.category,
        unitCode: row.unit_code,
        before: declaredClocks(snapshot),
        after,
        restarted: restartedClocks(workflow, snapshot, machineEvent, after),
        firedRowId: command.firesDeadline,
        now,
        referral: { id: referral.id, state },
        amounts: referralAmounts(context),
      });
      const effects = effectsOf(actions);
      const outbox = await this.effects(
        tx,
        row,
        effects,
        { type: command.type, payload, referralId: referral.id },
        now,
      );
      const version = referral.version + 1;
      const deliveries: NewDelivery[] = referral.has_webhook
        ? [
            delivery(
              {
                referralId: referral.id,
                caseId: row.id,
                caseReference: row.reference,
                departmentCode: referral.department_code,
                role: referral.role,
                instructions: referral.instructions,
                state,
                version,
                urged: context.urged,
                supervised: context.supervised,
                seq: row.version,
                event: {
                  type: command.type,
                  payload,
                  at: now.toISOString(),
                  actor: { role: command.actor.role, name: command.actor.name },
                },
              },
              now,
              command.systemFacts?.deadline?.key,
            ),
          ]
        : [];
      await updateCase(
        tx,
        {
          row,
          event,
          parties: [],
          outbox: [...deadlines.messages, ...outbox, ...deliveries.map(deliveryJob)],
          deadlines,
          now,
          deliveries,
          referral: {
            id: referral.id,
            state,
            version,
            snapshot: storeSnapshot(next),
            urged: context.urged,
            supervised: context.supervised,
            answered: state === 'replied' || state === 'rejected',
            resolved: context.resolved,
          },
        },
        locked.version,
      );
      for (const effect of effects) {
        if (effect.kind !== 'case.send') continue;
        await this.send({
          caseId: row.id,
          type: effect.type,
          payload: { ...effect.payload, referralId: referral.id },
          actor: SYSTEM_ACTORS.referrals,
          scope: null,
        });
      }
      return { referralId: referral.id, caseId: row.id, state, version, event: summary(event) };
    });
  }

  /** The case row, locked, with its unit and (when an event fires one) the status of a deadline row. */
  private async lockCase(tx: Tx, caseId: string, firesDeadline: string | undefined): Promise<LockedCase | undefined> {
    // Rows are always locked case first, then referral, then deadlines. When the lock had to wait for another
    // transition, PostgreSQL rechecks only the case row, against the snapshot the statement started with: so the
    // unit is read in subqueries, not a join (a join with the old unit's row drops the case once an escalation
    // moved it), and the fired deadline's status is read by a statement of its own once the lock is held (in
    // the locking statement it would still say pending after the transition that ended the clock committed).
    const [locked] = await tx.prepared<LockedCase>(
      'case_lock',
      `SELECT ${CASE_COLUMNS},
              (SELECT level FROM units WHERE code = c.unit_code) AS unit_level,
              (SELECT parent_code FROM units WHERE code = c.unit_code) AS unit_parent,
              (SELECT path FROM units WHERE code = c.unit_code) AS unit_path,
              NULL::text AS deadline_status
         FROM cases c
        WHERE c.id = $1 FOR NO KEY UPDATE OF c`,
      [caseId],
    );
    if (locked && firesDeadline) {
      const [deadline] = await tx.prepared<{ status: string }>(
        'case_lock_deadline',
        'SELECT status FROM deadlines WHERE id = $1 AND case_id = $2',
        [firesDeadline, caseId],
      );
      locked.deadline_status = deadline?.status ?? null;
    }
    return locked;
  }

  /**
   * REFER: one referral per department, each starting its machine (and its acknowledgement clock) in the
   * REFER's own statement. A department with a webhook is told at once.
   */
  private async issue(
    tx: Tx,
    row: CaseRow,
    link: ChainLink,
    payload: Record<string, unknown>,
    facts: CaseFacts,
    now: Date,
  ) {
    const workflow = latestReferralWorkflow();
    const named = facts.departments ?? [];
    const ids = facts.referralIds ?? [];
    const hooked = new Set(
      (
        await tx.query<{ code: string }>(
          'SELECT code FROM departments WHERE code = ANY($1::text[]) AND webhook_url IS NOT NULL',
          [named.map((d) => d.code)],
        )
      ).map((d) => d.code),
    );
    const referrals: NewReferral[] = [];
    const deliveries: NewDelivery[] = [];
    const clocks: DeadlinePlan = { ...NO_CLOCKS, rows: [], messages: [] };
    for (const [i, department] of named.entries()) {
      const id = ids[i]!;
      const input: ReferralInput = {
        departmentCode: department.code,
        role: department.role,
        instructions: payload.instructions as string,
        dueInWorkingDays: (payload.dueInWorkingDays as number | undefined) ?? null,
        shareParties: (payload.shareParties as boolean | undefined) ?? false,
      };
      const [snapshot] = initialTransition(workflow.machine, input);
      const state = statePath(snapshot.value);
      referrals.push({
        id,
        departmentCode: department.code,
        role: department.role,
        machineVersion: workflow.version,
        state,
        snapshot: storeSnapshot(snapshot),
        instructions: input.instructions,
        dueInWorkingDays: input.dueInWorkingDays,
        shareParties: input.shareParties,
      });
      const plan = await this.deadlines.plan(tx, {
        caseId: row.id,
        category: row.category,
        unitCode: row.unit_code,
        before: new Map(),
        after: declaredClocks(snapshot),
        restarted: new Set(),
        now,
        referral: { id, state },
        amounts: referralAmounts(snapshot.context as ReferralContext),
      });
      clocks.rows.push(...plan.rows);
      clocks.messages.push(...plan.messages);
      if (hooked.has(department.code)) {
        deliveries.push(
          delivery(
            {
              referralId: id,
              caseId: row.id,
              caseReference: row.reference,
              departmentCode: department.code,
              role: department.role,
              instructions: input.instructions,
              state,
              version: 1,
              urged: false,
              supervised: false,
              seq: row.version,
              event: {
                type: 'REFER',
                payload: link.chained.payload,
                at: now.toISOString(),
                actor: pickActor(link.chained.actor),
              },
            },
            now,
          ),
        );
      }
    }
    return { referrals, deliveries, deadlines: clocks };
  }

  /** The case stopped waiting for its referrals: each replied one closes, each still open is cancelled. */
  private async settleReferrals(row: CaseRow, reason: string): Promise<void> {
    const open = await this.db.query<{ id: string; state: string }>(
      `SELECT id, state FROM referrals WHERE case_id = $1 AND state <> ALL($2::text[]) ORDER BY issued_seq, id`,
      [row.id, SETTLED_REFERRAL_STATES],
    );
    for (const referral of open) {
      await this.act({
        referralId: referral.id,
        ...(referral.state === 'replied' ? { type: 'CLOSE', payload: {} } : { type: 'CANCEL', payload: { reason } }),
        actor: SYSTEM_ACTORS.referrals,
        departmentCode: null,
        scope: null,
      });
    }
  }

  /** Links go in with the transaction; everything else becomes outbox rows, with a `case.event` for subscribers. */
  private async effects(
    tx: Tx,
    row: CaseRow,
    effects: Effect[],
    origin: { type: string; payload: Record<string, unknown>; referralId?: string },
    now: Date,
  ): Promise<OutboxMessage[]> {
    const referralId = origin.referralId ?? null;
    const messages: OutboxMessage[] = [
      {
        queue: QueueName.Notifications,
        name: JobName.CaseEvent,
        payload: {
          caseId: row.id,
          seq: row.version,
          type: origin.type,
          state: row.state,
          unitCode: row.unit_code,
          referralId,
        },
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
        case 'referrals.settle':
        case 'case.send':
          break; // carried out by the engine itself, in this transaction
        case 'notify':
          messages.push({
            queue: QueueName.Notifications,
            name: JobName.Notify,
            payload: {
              caseId: row.id,
              seq: row.version,
              topic: effect.topic,
              detail: effect.detail ?? null,
              unitCode: row.unit_code,
              referralId,
            },
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

/**
 * Hashes the event onto the chain and moves the case's head hash to it. A referral's event names the referral,
 * and records the referral's state.
 */
function chain(
  row: CaseRow,
  type: string,
  payload: unknown,
  facts: CaseFacts,
  actor: Actor,
  at: Date,
  prevHash: string,
  subject?: { referralId: string; state: string },
): ChainLink {
  const chained: ChainedEvent = {
    caseId: row.id,
    seq: row.version,
    type,
    payload,
    facts,
    actor,
    at: at.toISOString(),
    machineVersion: row.machine_version,
    state: subject?.state ?? row.state,
    unitCode: row.unit_code,
    ...(subject ? { referralId: subject.referralId } : {}),
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

const NO_CLOCKS: DeadlinePlan = { firedRowId: null, endedKeys: [], supersededClockId: null, rows: [], messages: [] };

/** A referral's own reply limit (`dueInWorkingDays`) overrides the policy for its reply clock. */
function referralAmounts(context: ReferralContext) {
  return context.dueInWorkingDays
    ? new Map([['referral.reply', { amount: context.dueInWorkingDays, unit: 'working_days' as const }]])
    : undefined;
}

function pickActor(actor: unknown): Pick<Actor, 'role' | 'name'> {
  const { role, name } = actor as Actor;
  return { role, name };
}

function delivery(data: ReferralEventData, now: Date, deadlineKey?: string): NewDelivery {
  const id = uuidv7(now.getTime());
  const body = cloudEventBody(id, data, deadlineKey);
  return {
    id,
    referralId: data.referralId,
    departmentCode: data.departmentCode,
    type: cloudEventType(data.event.type, deadlineKey),
    body,
  };
}

/** The job that POSTs a delivery; its id is the outbox row's, so a replay (a new row) is a new job. */
export const deliveryJob = (d: { id: string }, generation = 0): OutboxMessage => ({
  queue: QueueName.Referrals,
  name: JobName.ReferralDeliver,
  payload: { deliveryId: d.id, generation },
});

/**
 * The event's payload, validated against the machine's schema for it: 422 for an unknown event or a bad
 * payload, 403 for a system event from a client. The known events listed are those a client may send.
 */
function checkedPayload(
  workflow: MachineWorkflow,
  subject: string,
  command: { type: string; payload?: unknown; actor: Actor },
): Record<string, unknown> {
  const spec = workflow.events[command.type];
  if (!spec) {
    const known = Object.entries(workflow.events)
      .filter(([, e]) => e.source === 'client')
      .map(([t]) => t);
    throw DomainError.validation([
      { field: 'type', message: `is not an event of ${subject} (known: ${known.join(', ')})` },
    ]);
  }
  if (spec.source === 'system' && command.actor.role !== 'system') {
    throw new DomainError(ErrorCode.SystemEventOnly, `${command.type} is sent by Concord itself, never by a client.`);
  }
  const checked = validate(spec.payload, command.payload ?? {}, 'payload');
  if (!checked.ok) throw DomainError.validation(checked.errors, `The ${command.type} payload is invalid.`);
  return checked.value as Record<string, unknown>;
}
