import { GENESIS_HASH } from '#audit';
import { DomainError, representativesProblem, stageOf, statePath, type CaseFacts, type UnitLevel } from '#domain';
import { randomCode, uuidv7, type Tx } from '#persistence';
import { latestWorkflow, start, storeSnapshot } from '#workflows';
import { toCaseRecord, type CaseRow } from './case-record.js';
import { insertCase } from './case-writes.js';
import { chain, summary } from './chain.js';
import type { OpenCase, Transition } from './commands.js';
import { copyContextColumns, effectMessages, moveOwnership } from './effects.js';
import type { EngineParts } from './pipeline.js';

/**
 * REGISTER: a new case on the latest machine of its kind, its reference drawn from the unit's sequence, its
 * parties sealed, written with its first event, clocks and outbox rows in one statement.
 */
export async function openCase(parts: EngineParts, tx: Tx, command: OpenCase): Promise<Transition> {
  const workflow = latestWorkflow(command.kind, command.machineVersion);
  const representatives = command.parties.filter((p) => p.representative).length;
  const tooMany = representativesProblem(command.kind, command.channel, representatives);
  if (tooMany) throw DomainError.validation([{ field: 'parties', message: tooMany }]);
  const now = parts.clock.now();
  // FOR KEY SHARE, the lock the case's foreign key takes anyway, taken before `retired` is read: a unit being
  // retired (FOR UPDATE) either waits for this case, and counts it, or is retired before this reads it.
  const [unit] = await tx.prepared<{
    level: UnitLevel;
    parent_code: string | null;
    path: string;
    retired: boolean;
    n: string;
  }>(
    'case_open_unit',
    `SELECT level, parent_code, path, retired_at IS NOT NULL AS retired, nextval('case_reference_seq') AS n
       FROM units WHERE code = $1 FOR KEY SHARE`,
    [command.unitCode],
  );
  if (!unit) throw DomainError.validation([{ field: 'unitCode', message: `unit ${command.unitCode} does not exist` }]);
  if (command.scope !== null && !unit.path.startsWith(command.scope)) {
    throw DomainError.forbidden(`Unit ${command.unitCode} is outside your scope.`);
  }
  if (unit.retired)
    throw DomainError.validation([
      { field: 'unitCode', message: `unit ${command.unitCode} is retired and takes no new cases` },
    ]);
  const started = start(workflow, { category: command.category ?? null });
  const state = statePath(started.next.value);
  const year = new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear(); // China Standard Time, no DST
  const row: CaseRow = {
    id: uuidv7(now.getTime()),
    reference: `${workflow.referencePrefix}-${year}-${unit.n.padStart(6, '0')}`,
    query_code: randomCode(12),
    kind: command.kind,
    machine_version: workflow.version,
    state,
    stage: stageOf(state),
    version: 1,
    unit_code: command.unitCode,
    channel: command.channel,
    category: null,
    risk_level: null,
    outcome: null,
    supervised: false,
    confidential: false,
    assignee_id: null,
    in_charge_id: null,
    summary: command.summary,
    description: command.description,
    occurred_at: command.occurredAt ? new Date(command.occurredAt) : null,
    snapshot: storeSnapshot(started.next),
    head_hash: GENESIS_HASH,
    created_by: command.actor.id,
    created_at: now,
    updated_at: now,
  };
  copyContextColumns(row, started.next);
  const parties = parts.parties.seal(command.parties, now);
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
  moveOwnership(row, started.effects, unit.parent_code);
  const event = chain(row, 'REGISTER', payload, facts, command.actor, now, GENESIS_HASH);
  const deadlines = await parts.deadlines.plan(tx, {
    caseId: row.id,
    category: row.category,
    unitCode: row.unit_code,
    ...started.clocks,
    now,
  });
  const outbox = await effectMessages(tx, row, started.effects, { type: 'REGISTER', payload }, now);
  await insertCase(tx, { row, event, parties, outbox: [...deadlines.messages, ...outbox], deadlines, now });
  return { case: toCaseRecord(row), event: summary(event) };
}
