/**
 * `npm run releases`: freezes every released machine version (workflows/releases.ts) that has no record yet,
 * writing `workflows/releases/<machine>-v<n>.json`. It never rewrites a record: a released version whose
 * definition changed is reported, and the change belongs in a new version. `tools/releases.spec.ts` checks the
 * same in `npm test`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isReleased } from '#workflows';
import { machineVersions, replayHistories } from '#workflows/testing';
import { repoRoot } from './docs/generate.js';
import {
  definitionChanges,
  definitionOf,
  historiesOf,
  readRelease,
  recordRelease,
  releaseFile,
  releaseText,
} from './releases/record.js';

const root = repoRoot();
let failed = false;
for (const { machine, version, workflow } of machineVersions()) {
  const name = `${machine} v${version}`;
  if (!isReleased(machine, version)) {
    console.log(`${name}: unreleased, not frozen`);
    continue;
  }
  const frozen = readRelease(root, machine, version);
  if (!frozen) {
    const record = recordRelease(machine, version, workflow);
    const file = path.join(root, releaseFile(machine, version));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, releaseText(record));
    console.log(`${name}: frozen in ${releaseFile(machine, version)} (${record.histories.steps.length} steps)`);
    continue;
  }
  const changes = definitionChanges(frozen.definition, definitionOf(workflow));
  const mismatches = historiesOf(frozen).flatMap((h) => replayHistories(workflow, h));
  if (changes.length || mismatches.length) {
    failed = true;
    console.error(`${name} is released and changed in place; make the change in a new version instead:`);
    for (const change of changes) console.error(`  ${change}`);
    for (const m of mismatches.slice(0, 10)) console.error(`  ${m.history.join(' → ')}: ${m.what} differs`);
  } else {
    console.log(`${name}: frozen, unchanged`);
  }
}
process.exitCode = failed ? 1 : 0;
