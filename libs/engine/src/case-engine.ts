import type { Clock } from '#clock';
import type { DeadlineBook, DeadlineJob } from '#deadlines';
import { DomainError, instantProblem, SYSTEM_ACTORS, type CaseKind } from '#domain';
import { failpoint } from '#failpoints';
import type { PartyVault } from '#parties';
import type { Database } from '#persistence';
import { isFinal, MIGRATE_MACHINE, restoreSnapshot, workflowFor } from '#workflows';
import { toCaseRecord, type CaseRecord } from './case-record.js';
import { summary } from './chain.js';
import type { FireOutcome, OpenCase, ReferralCommand, ReferralTransition, SendEvent, Transition } from './commands.js';
import { migrateCase } from './migrate-case.js';
import { openCase } from './open-case.js';
import { transit, type EngineParts, type Moved } from './pipeline.js';
import { loadCase, loadReferral } from './subjects.js';

const SETTLED_REFERRAL_STATES = ['rejected', 'closed', 'cancelled'];

/**
 * The one place that turns an event into a persisted transition (docs/architecture.md). Each call is one
 * PostgreSQL transaction: lock the subject (a case, or a referral after its case), restore its machine at its
 * own version, `decide` the transition (the machines' pure runtime), then write the case, one hash-chained
 * event, its clocks and the outbox rows for its effects, in one statement. A refused event writes nothing.
 * `send` and `act` are the same pipeline (`transit`) over their two kinds of subject; MIGRATE_MACHINE, which no
 * machine declares, goes through the same steps with the upgrade's mapping in place of `decide` (`migrateCase`).
 */
export class CaseEngine {
  private readonly parts: EngineParts;

  /**
   * `startOn` holds kinds back on an earlier machine version for new cases (the deployment's
   * `CONCORD_NEW_CASES_START_ON`); a kind or version Concord does not have stops start-up here.
   */
  constructor(
    private readonly db: Database,
    clock: Clock,
    parties: PartyVault,
    deadlines: DeadlineBook,
    private readonly startOn: Readonly<Record<string, number>> = {},
  ) {
    this.parts = { clock, parties, deadlines };
    for (const [kind, version] of Object.entries(startOn)) workflowFor(kind as CaseKind, version);
  }

  async open(command: OpenCase): Promise<Transition> {
    const occurredAt = command.occurredAt == null ? null : instantProblem(command.occurredAt);
    if (occurredAt) throw DomainError.validation([{ field: 'occurredAt', message: occurredAt }]);
    const machineVersion = command.machineVersion ?? this.startOn[command.kind];
    return this.db.transaction((tx) => openCase(this.parts, tx, { ...command, machineVersion }));
  }

  /** Applies the event; resolves to null only when it fires a deadline that is no longer pending. */
  async send(command: SendEvent & { firesDeadline: string }): Promise<Transition | null>;
  async send(command: SendEvent): Promise<Transition>;
  async send(command: SendEvent): Promise<Transition | null> {
    return this.db.transaction(async (tx) => {
      const subject = await loadCase(tx, command);
      const moved =
        command.type === MIGRATE_MACHINE
          ? await migrateCase(this.parts, tx, subject, command)
          : await transit(this.parts, tx, subject, command);
      if (!moved) return null;
      const released = await this.carryOut(moved, command.type);
      // The case as it stands after the event and what it set off in the case itself (letting people go).
      return { case: released ?? toCaseRecord(moved.row), event: summary(moved.link) };
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
      const moved = await transit(this.parts, tx, await loadReferral(tx, command), command);
      if (!moved) return null;
      await this.carryOut(moved, command.type, command.referralId);
      const { row, state, version, link } = moved;
      return { referralId: command.referralId, caseId: row.id, state, version, event: summary(link) };
    });
  }

  /**
   * Fires a deadline row: DEADLINE_ELAPSED for a clock, DEADLINE_WARNING for one of its warnings. Exactly once:
   * a row that is no longer pending (fired, or its state was left) is ignored, and one not yet due by this
   * engine's clock is reported so the caller can wait. The job carries the row's immutable facts, so firing
   * needs no read beyond the transition's own.
   */
  async fireDeadline(job: DeadlineJob): Promise<FireOutcome> {
    if (Date.parse(job.dueAt) > this.parts.clock.now().getTime())
      return { outcome: 'not-due', dueAt: new Date(job.dueAt) };
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
   * The effects that are transitions of their own, in the same transaction, once this one is written: a
   * referral's answer goes into its case; a case that stopped waiting settles its referrals; a case that moved
   * to a unit outside its assignee's (or leader's) scope lets them go (the case after that, when it did).
   */
  private async carryOut(moved: Moved, type: string, referralId?: string): Promise<CaseRecord | null> {
    const released =
      !referralId && moved.row.unit_code !== moved.unitBefore ? await this.releaseOutOfScope(moved.row) : null;
    for (const effect of moved.effects) {
      // A case that has ended takes no answer: an accusation is archived once handed to the discipline-inspection
      // body, which still works its referral through. The referral's own event, in the case's chain, records it.
      if (effect.kind === 'case.send' && !ended(moved.row)) {
        await this.send({
          caseId: moved.row.id,
          type: effect.type,
          payload: { ...effect.payload, referralId },
          actor: SYSTEM_ACTORS.referrals,
          scope: null,
        });
      }
    }
    if (moved.effects.some((e) => e.kind === 'referrals.settle')) {
      await this.settleReferrals(moved.row.id, `The case moved on to ${moved.row.state} (${type}).`);
    }
    return released;
  }

  /**
   * The case moved to another unit (an escalation, a new handling unit): its assignee and its leader in charge
   * keep it only if their unit's subtree holds the new unit. Each one who does not is let go by an event of its
   * own (RELEASE_ASSIGNMENT), so the chain says why the case has no one.
   */
  private async releaseOutOfScope(row: Moved['row']): Promise<CaseRecord | null> {
    const held = [
      { userId: row.assignee_id, as: 'assignee' as const },
      { userId: row.in_charge_id, as: 'in_charge' as const },
    ].filter((h): h is { userId: string; as: 'assignee' | 'in_charge' } => h.userId !== null);
    if (!held.length) return null;
    const reaching = await this.db.query<{ id: string }>(
      `SELECT u.id FROM users u LEFT JOIN units p ON p.code = u.unit_code JOIN units n ON n.code = $2
        WHERE u.id = ANY($1::uuid[]) AND (p.path IS NULL OR starts_with(n.path, p.path))`,
      [held.map((h) => h.userId), row.unit_code],
    );
    let last: CaseRecord | null = null;
    for (const { userId, as } of held) {
      if (reaching.some((r) => r.id === userId)) continue;
      ({ case: last } = await this.send({
        caseId: row.id,
        type: 'RELEASE_ASSIGNMENT',
        payload: { userId, as, reason: 'out_of_scope' },
        actor: SYSTEM_ACTORS.assignment,
        scope: null,
      }));
    }
    return last;
  }

  /** The case stopped waiting for its referrals: each replied one closes, each still open is cancelled. */
  private async settleReferrals(caseId: string, reason: string): Promise<void> {
    const open = await this.db.query<{ id: string; state: string }>(
      `SELECT id, state FROM referrals WHERE case_id = $1 AND state <> ALL($2::text[]) ORDER BY issued_seq, id`,
      [caseId, SETTLED_REFERRAL_STATES],
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
}

/** Whether the case sits in its final state (archive.closed) after the transition. */
function ended(row: Moved['row']): boolean {
  return isFinal(restoreSnapshot(workflowFor(row.kind, row.machine_version), row.snapshot));
}
