import { isReleased, RELEASED, workflowFor } from '#workflows';
import { machineVersions, replayHistories } from '#workflows/testing';
import { repoRoot } from './docs/generate.js';
import {
  definitionChanges,
  definitionOf,
  historiesOf,
  readRelease,
  releaseFile,
  type ReleaseRecord,
} from './releases/record.js';

const root = repoRoot();
const released = machineVersions().filter(({ machine, version }) => isReleased(machine, version));

describe('released machine versions are frozen', () => {
  it('lists only versions that exist, and every machine has one', () => {
    const existing = new Set(machineVersions().map(({ machine, version }) => `${machine} v${version}`));
    const listed = Object.entries(RELEASED).flatMap(([machine, versions]) => versions.map((v) => `${machine} v${v}`));
    expect(listed.filter((name) => !existing.has(name))).toEqual([]);
    expect(released.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(released.map((r) => [`${r.machine} v${r.version}`, r] as const))('%s', (_name, release) => {
    const { machine, version, workflow } = release;
    let frozen: ReleaseRecord;
    beforeAll(() => {
      const record = readRelease(root, machine, version);
      if (!record) throw new Error(`${releaseFile(machine, version)} is missing: run npm run releases and commit it`);
      frozen = record;
    });

    it('has the definition it was released with', () => {
      const changes = definitionChanges(frozen.definition, definitionOf(workflow));
      if (changes.length) {
        throw new Error(
          `${machine} v${version} is released and frozen (${releaseFile(machine, version)}), but its definition ` +
            `changed in place:\n  ${changes.join('\n  ')}\nCases running on it would change under them: leave ` +
            `v${version} as it is and make the change in a new version (workflows/index.ts).`,
        );
      }
      expect(changes).toEqual([]);
    });

    it('replays every recorded history to the snapshots and effects it recorded', () => {
      expect(frozen.histories.steps.length).toBeGreaterThan(20);
      const mismatches = historiesOf(frozen).flatMap((h) => replayHistories(workflow, h));
      if (mismatches.length) {
        const shown = mismatches
          .slice(0, 5)
          .map((m) => `${m.history.join(' → ')}: ${m.what} differs`)
          .join('\n  ');
        throw new Error(
          `${machine} v${version} no longer reproduces ${mismatches.length} recorded step(s):\n  ${shown}\n` +
            `A released version must behave as it did: make the change in a new version.`,
        );
      }
      expect(mismatches).toEqual([]);
    });

    it('records every event type the machine accepts in some history', () => {
      const recorded = new Set(historiesOf(frozen).flatMap((h) => h.events.map((e) => e.type)));
      expect(Object.keys(workflow.events).filter((type) => !recorded.has(type))).toEqual([]);
    });
  });

  it('notices a definition changed in place', () => {
    const record = readRelease(root, 'petition', 1)!;
    const changed = structuredClone(record.definition);
    const handling = changed.model.transitions.find((t) => t.event === 'EXTEND_DEADLINE')!;
    handling.guard = null;
    expect(definitionChanges(record.definition, changed)).toEqual([
      expect.stringMatching(/^definition\.model\.transitions\[\d+\]\.guard: was "notExtended", is null$/),
    ]);
  });

  it('notices behaviour changed in place: a recorded snapshot the machine no longer produces', () => {
    const record = readRelease(root, 'dispute', 1)!;
    const tampered = structuredClone(record.histories);
    const last = tampered.steps.length - 1;
    const snapshot = tampered.snapshots[tampered.steps[last]!.snapshot]!;
    tampered.snapshots[tampered.steps[last]!.snapshot] = { ...snapshot, context: { ...snapshot.context, extra: 1 } };
    const mismatches = replayHistories(workflowFor('dispute', 1), tampered);
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.every((m) => m.what === 'snapshot')).toBe(true);
  });
});
