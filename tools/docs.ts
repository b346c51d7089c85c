/**
 * `npm run docs`: writes the state machine diagrams (`docs/machines/`) and the legal clock table
 * (`docs/legal-clocks.md`) from the machine definitions, and removes the page of a machine version that no longer
 * exists. `tools/docs.spec.ts` fails when the committed files differ from what this would write.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateDocs, MACHINES_DIR, repoRoot, staleFiles } from './docs/generate.js';

const root = repoRoot();
const files = generateDocs();
const stale = staleFiles(root, files);
for (const file of stale) {
  const at = path.join(root, file);
  const content = files.get(file);
  if (content === undefined) {
    rmSync(at);
    console.log(`removed ${file}`);
  } else {
    mkdirSync(path.dirname(at), { recursive: true });
    writeFileSync(at, content);
    console.log(`wrote ${file}`);
  }
}
console.log(
  stale.length
    ? `${stale.length} file(s) of ${files.size} updated (${MACHINES_DIR}/, docs/legal-clocks.md)`
    : `all ${files.size} files up to date`,
);
