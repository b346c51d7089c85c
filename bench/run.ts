/** `npm run bench -- <name>` runs one benchmark; with no name, all of them, one after the other. */
import { spawnSync } from 'node:child_process';

const BENCHMARKS = ['transitions', 'deadlines', 'cfpb', 'audit'];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHMARKS.includes(name));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : BENCHMARKS) {
  console.log(`\n=== bench/${name}`);
  const result = spawnSync(process.execPath, [`dist/bench/${name}.js`], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
