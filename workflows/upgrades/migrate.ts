import type { AnyMachineSnapshot } from 'xstate';
import {
  DomainError,
  ErrorCode,
  s,
  statePath,
  validate,
  type CaseKind,
  type CaseWorkflow,
  type FieldError,
  type Schema,
} from '#domain';
import { declaredClocks, restoreSnapshot, storeSnapshot, type StoredSnapshot } from '../runtime/machine-runtime.js';
import { text } from '../shared/common.js';
import { UPGRADES, upgradeFrom, type Upgrade } from './upgrades.js';

/**
 * The event that moves an open case to the next version of its machine. No machine declares it: the engine
 * carries it out with the pure mapping of `upgrades.ts`, and the audit replays it with the same mapping.
 */
export const MIGRATE_MACHINE = 'MIGRATE_MACHINE';

/** Who may move a case to another machine version. */
export const MIGRATES_MACHINES = 'admin';

/** MIGRATE_MACHINE's payload, checked. */
export interface MigrationRequest {
  toVersion: number;
  /** What the new version needs that the old one never recorded, by field (`Upgrade.asks`). */
  answers: Record<string, string>;
  reason: string;
}

type Clocks = ReturnType<typeof declaredClocks>;

/** What a migration does: the case's snapshot on the new version, and the clocks each version declares there. */
export interface Migration {
  ok: true;
  upgrade: Upgrade;
  workflow: CaseWorkflow;
  request: MigrationRequest;
  next: AnyMachineSnapshot;
  /**
   * The old version's clocks (before) and the new version's (after): a key both declare keeps its clock and due
   * time; nothing restarts.
   */
  clocks: { before: Clocks; after: Clocks; restarted: Set<string> };
}

export type MigrationRefusal = { ok: false; refusal: DomainError };

/** Any object: its fields are checked against the upgrade's `asks` once the upgrade is known. */
const anyObject: Schema<Record<string, unknown>> = {
  optional: false,
  check(value, path, errors) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ field: path, message: 'must be an object' });
      return undefined;
    }
    return value as Record<string, unknown>;
  },
  jsonSchema: () => ({ type: 'object' }),
};

const envelope = (answers: Schema<Record<string, unknown> | undefined>) =>
  s.object({
    toVersion: s.int({ min: 1, max: 1000 }),
    answers,
    reason: text(),
  });

/** The answers an upgrade asks for: every field it names, each one of its values. */
function answersOf(upgrade: Upgrade): Schema<Record<string, unknown> | undefined> {
  const fields = Object.fromEntries(Object.entries(upgrade.asks).map(([field, values]) => [field, s.oneOf(values)]));
  return Object.keys(fields).length ? s.object(fields) : s.optional(s.object({}));
}

/** MIGRATE_MACHINE's payload for a case on the version `upgrade` starts from, as the OpenAPI document shows it. */
export function migrationPayloadSchema(upgrade: Upgrade): Record<string, unknown> {
  return envelope(answersOf(upgrade)).jsonSchema();
}

/** Every kind and version a case can be moved from, with the payload MIGRATE_MACHINE takes there. */
export const MIGRATIONS: ReadonlyArray<{ kind: CaseKind; from: number; to: number; payload: Record<string, unknown> }> =
  UPGRADES.map((u) => ({ kind: u.kind, from: u.from, to: u.to, payload: migrationPayloadSchema(u) }));

const refuse = (refusal: DomainError): MigrationRefusal => ({ ok: false, refusal });
const invalid = (errors: FieldError[]) =>
  refuse(DomainError.validation(errors, `The ${MIGRATE_MACHINE} payload is invalid.`));

/** A case's kind and every machine version of that kind (the registry's, passed in: it imports this module). */
export interface KindVersions {
  kind: CaseKind;
  versions: Readonly<Record<number, CaseWorkflow>>;
}

/**
 * MIGRATE_MACHINE as a pure function, the engine's counterpart of `admit` and `decide`: 403 for anyone but an
 * admin, 422 for a bad payload or answers the upgrade does not take, 409 with the reason where no mapping exists
 * (no upgrade from the case's version to the one asked for, or a state the mapping refuses), otherwise the case
 * on the new version.
 */
export function decideMigration(
  { kind, versions }: KindVersions,
  fromVersion: number,
  snapshot: AnyMachineSnapshot,
  command: { payload?: unknown; actor: { role: string } },
): Migration | MigrationRefusal {
  if (command.actor.role !== MIGRATES_MACHINES) {
    return refuse(DomainError.forbidden(`Only an admin moves a case to another machine version.`));
  }
  const checked = validate(envelope(s.optional(anyObject)), command.payload ?? {}, 'payload');
  if (!checked.ok) return invalid(checked.errors);
  const { toVersion, reason } = checked.value;
  const upgrade = upgradeFrom(kind, fromVersion);
  if (!upgrade || upgrade.to !== toVersion || !versions[upgrade.to]) {
    return refuse(noUpgrade({ kind, versions }, fromVersion, toVersion, statePath(snapshot.value), upgrade));
  }
  const answers = validate(answersOf(upgrade), checked.value.answers, 'payload.answers');
  if (!answers.ok) return invalid(answers.errors);
  const request = { toVersion, answers: (answers.value ?? {}) as Record<string, string>, reason };
  return migrateSnapshot(versions, upgrade, storeSnapshot(snapshot), request);
}

/**
 * The mapping itself, for a request already checked (by `decideMigration`) or recorded in the event log (the
 * audit's replay): the snapshot on the new version, or 409 with the mapping's reason.
 */
export function migrateSnapshot(
  versions: KindVersions['versions'],
  upgrade: Upgrade,
  stored: StoredSnapshot,
  request: MigrationRequest,
): Migration | MigrationRefusal {
  const from = versions[upgrade.from]!;
  const workflow = versions[upgrade.to]!;
  // The mapping may not change what it is given: it works on a copy, as stored (JSON).
  const mapped = upgrade.map(JSON.parse(JSON.stringify(stored)) as StoredSnapshot, request.answers);
  const state = statePath(stored.value);
  if (!mapped.ok) {
    return refuse(
      new DomainError(ErrorCode.Conflict, mapped.reason, {
        state,
        fromVersion: upgrade.from,
        toVersion: upgrade.to,
      }),
    );
  }
  const next = restoreSnapshot(workflow, mapped.snapshot);
  return {
    ok: true,
    upgrade,
    workflow,
    request,
    next,
    clocks: {
      before: declaredClocks(restoreSnapshot(from, stored)),
      after: declaredClocks(next),
      restarted: new Set(),
    },
  };
}

function noUpgrade(
  { kind, versions }: KindVersions,
  from: number,
  to: number,
  state: string,
  upgrade: Upgrade | undefined,
) {
  const known = Object.keys(versions).join(', ');
  const reason =
    to === from
      ? `The case already runs on version ${from} of the ${kind} machine.`
      : !Object.hasOwn(versions, to)
        ? `No ${kind} machine has version ${to} (known versions: ${known}).`
        : upgrade
          ? `A ${kind} case on version ${from} moves only to version ${upgrade.to}, not ${to}.`
          : `A ${kind} case on version ${from} has no later version to move to.`;
  return new DomainError(ErrorCode.Conflict, reason, { state, fromVersion: from, toVersion: to });
}
