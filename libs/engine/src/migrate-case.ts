import type { CaseFacts } from '#domain';
import type { Tx } from '#persistence';
import { decideMigration, MIGRATE_MACHINE, restoreSnapshot, workflows } from '#workflows';
import { updateCase } from './case-writes.js';
import { chain } from './chain.js';
import { expectVersion, type EngineParts, type Moved, type SubjectCommand } from './pipeline.js';
import { moveCase, type Subject } from './subjects.js';

/** A clock the migration kept, as MIGRATE_MACHINE records it: it runs on, due when it was due. */
interface KeptClock {
  key: string;
  clockId: string;
  dueAt: string;
  status: string;
}

/**
 * MIGRATE_MACHINE on a locked case, in its caller's transaction: the same steps as any transition (`transit`),
 * with the upgrade's mapping in place of the machine's `decide`. Validate and map (decideMigration: 403, 422 or
 * 409 with the mapping's reason); plan the clocks from the old version's declared clocks to the new one's (a key
 * both declare keeps its row and due time, one only the old version declares ends, one only the new version
 * declares is armed now with the new version's rules); then write the case on its new version, with one
 * hash-chained event that records the versions, the answers, the reason and what became of each clock.
 */
export async function migrateCase(
  parts: EngineParts,
  tx: Tx,
  subject: Subject,
  command: SubjectCommand,
): Promise<Moved> {
  const now = parts.clock.now();
  const { case: locked, workflow } = subject;
  expectVersion(subject, command);
  const migration = decideMigration(
    { kind: locked.kind, versions: workflows[locked.kind] },
    locked.machine_version,
    restoreSnapshot(workflow, subject.snapshot),
    command,
  );
  if (!migration.ok) throw migration.refusal;

  const row = { ...locked, version: locked.version + 1, machine_version: migration.upgrade.to, updated_at: now };
  moveCase(row, { next: migration.next, effects: [] }, locked.unit_parent);
  const clocks = await parts.deadlines.plan(tx, {
    caseId: row.id,
    category: row.category,
    unitCode: row.unit_code,
    ...migration.clocks,
    now,
  });
  const keptKeys = [...migration.clocks.after.keys()].filter((key) => migration.clocks.before.has(key));
  const payload = {
    fromVersion: migration.upgrade.from,
    toVersion: migration.upgrade.to,
    answers: migration.request.answers,
    reason: migration.request.reason,
    clocks: {
      kept: await keptClocks(tx, row.id, keptKeys),
      ended: clocks.endedKeys,
      armed: clocks.rows
        .filter((r) => r.kind === 'due')
        .map((r) => ({ key: r.key, clockId: r.clockId, dueAt: r.dueAt.toISOString() })),
    },
  };
  const facts: CaseFacts = {
    unit: { code: locked.unit_code, level: locked.unit_level, hasParent: locked.unit_parent !== null },
  };
  const link = chain(row, MIGRATE_MACHINE, payload, facts, command.actor, now, locked.head_hash);
  await updateCase(
    tx,
    { row, event: link, parties: [], now, outbox: clocks.messages, deadlines: clocks },
    locked.version,
  );
  return { row, link, state: row.state, version: row.version, effects: [], unitBefore: locked.unit_code };
}

/** The case's own running clocks of `keys`, read under the case's lock: their rows stay as they are. */
async function keptClocks(tx: Tx, caseId: string, keys: string[]): Promise<KeptClock[]> {
  if (!keys.length) return [];
  const rows = await tx.prepared<{ key: string; clock_id: string; due_at: Date; status: string }>(
    'migration_kept_clocks',
    `SELECT key, clock_id, due_at, status FROM deadlines
      WHERE case_id = $1 AND referral_id IS NULL AND kind = 'due' AND ended_at IS NULL AND key = ANY($2::text[])
      ORDER BY key, created_at`,
    [caseId, keys],
  );
  return rows.map((r) => ({ key: r.key, clockId: r.clock_id, dueAt: r.due_at.toISOString(), status: r.status }));
}
