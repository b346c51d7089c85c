/** `npm run bench -- <name> [<name>…]` runs those benchmarks; with no name, all of them, one after the other. */
import { spawnSync } from 'node:child_process';
import { BENCHMARKS } from './report.js';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
const started = Date.now();
for (const name of wanted.length ? wanted : BENCHMARKS) {
  const t = Date.now();
  console.log(`\n=== bench/${name}`);
  const result = spawnSync(process.execPath, [`dist/bench/${name}.js`], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  console.log(`=== bench/${name}: ${((Date.now() - t) / 1000).toFixed(0)} s`);
}
console.log(`\nall done in ${((Date.now() - started) / 60_000).toFixed(1)} min; results in bench/RESULTS.md`);
