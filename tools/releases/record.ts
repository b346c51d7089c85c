import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineWorkflow } from '#domain';
import { machineModel, type MachineModel, type MachineName } from '#workflows';
import { canonical, recordHistories, WALKS, type RecordedHistories } from '#workflows/testing';

/** What a released machine version is frozen as: its definition, and the histories of cases run on it. */
export interface ReleaseRecord {
  machine: MachineName;
  version: number;
  definition: {
    /** States, nesting, clocks, and every transition with its event, guard, targets and actions. */
    model: MachineModel;
    /** Every event it accepts: who may send it, and its payload's JSON Schema. */
    events: Record<string, { source: string; payload: Record<string, unknown> }>;
    /** The guards that explain a refusal. */
    guardReasons: string[];
    /** What the engine looks up and does for its events, besides the transition. */
    facts: Record<string, unknown>;
    handling: Record<string, unknown>;
  };
  histories: RecordedHistories;
  /** The histories of the version's further walks, from other inputs (a referral handed on, 转送). */
  moreHistories?: RecordedHistories[];
}

export const RELEASES_DIR = 'workflows/releases';

export const releaseFile = (machine: MachineName, version: number): string =>
  `${RELEASES_DIR}/${machine}-v${version}.json`;

export function definitionOf(workflow: MachineWorkflow): ReleaseRecord['definition'] {
  const types = Object.keys(workflow.events).sort();
  return {
    model: machineModel(workflow.machine),
    events: Object.fromEntries(
      types.map((type) => {
        const spec = workflow.events[type]!;
        return [type, { source: spec.source, payload: spec.payload.jsonSchema() }];
      }),
    ),
    guardReasons: Object.keys(workflow.guardReasons).sort(),
    facts: { ...workflow.facts },
    handling: { ...workflow.handling },
  };
}

/** The record of `workflow` as it is today: its definition, and every history a walk of its graph finds. */
export function recordRelease(machine: MachineName, version: number, workflow: MachineWorkflow): ReleaseRecord {
  const [first, ...more] = WALKS[machine][version]!.map(({ samples, input }) =>
    recordHistories(workflow, samples, input),
  );
  return {
    machine,
    version,
    definition: definitionOf(workflow),
    histories: first!,
    ...(more.length ? { moreHistories: more } : {}),
  };
}

/** Every set of histories a record holds. */
export const historiesOf = (record: ReleaseRecord): RecordedHistories[] => [
  record.histories,
  ...(record.moreHistories ?? []),
];

/** The committed record of a version, or null when none was written. */
export function readRelease(root: string, machine: MachineName, version: number): ReleaseRecord | null {
  const file = path.join(root, releaseFile(machine, version));
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ReleaseRecord) : null;
}

/** The file's text: one stable form, so that an unchanged record is an unchanged file. */
export const releaseText = (record: ReleaseRecord): string =>
  `${JSON.stringify(JSON.parse(canonical(record)), null, 1)}\n`;

/**
 * Where today's definition departs from the frozen one: the paths (`model.transitions[3].guard`, …) whose values
 * differ, at most `limit` of them.
 */
export function definitionChanges(frozen: unknown, today: unknown, limit = 10): string[] {
  const out: string[] = [];
  const visit = (a: unknown, b: unknown, at: string) => {
    if (out.length >= limit || canonical(a) === canonical(b)) return;
    if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys) {
        const next = Array.isArray(a) ? `${at}[${key}]` : `${at}.${key}`;
        visit((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], next);
      }
      return;
    }
    out.push(`${at}: was ${short(a)}, is ${short(b)}`);
  };
  visit(frozen, today, 'definition');
  return out;
}

const short = (value: unknown): string => {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};
