#!/usr/bin/env node
// The library import graph: which library (and app) imports which, from dependency-cruiser's reading of the
// sources (specs left out), with any cycle between libraries. `npm run graph` prints it; `--check` exits 1 on a
// cycle, and `npm run lint` runs it so.
import { execFileSync } from 'node:child_process';

const check = process.argv.includes('--check');
const json = execFileSync(
  'node_modules/.bin/depcruise',
  [
    'apps',
    'libs',
    'workflows',
    'migrations',
    'bench',
    'faults',
    '--config',
    '.dependency-cruiser.cjs',
    '--output-type',
    'json',
  ],
  { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
);
const { modules } = JSON.parse(json);

/** The part of the tree a file belongs to: `libs/engine`, `apps/api`, `workflows`, … */
const groupOf = (file) => {
  const [top, second] = file.split('/');
  return top === 'libs' || top === 'apps' ? `${top}/${second}` : top;
};
const TOPS = new Set(['apps', 'libs', 'workflows', 'migrations', 'bench', 'faults']);
const ours = (file) => TOPS.has(file.split('/')[0]);
const edges = new Map();
for (const module of modules) {
  if (!ours(module.source)) continue;
  const from = groupOf(module.source);
  for (const dependency of module.dependencies) {
    if (dependency.coreModule || !ours(dependency.resolved)) continue;
    const to = groupOf(dependency.resolved);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from).add(to);
  }
}

// Cycles: strongly connected components of more than one group (Tarjan).
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
let counter = 0;
const visit = (v) => {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
};
const groups = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])])].sort();
for (const g of groups) if (!index.has(g)) visit(g);

for (const g of groups) {
  const to = [...(edges.get(g) ?? [])].sort();
  process.stdout.write(`${g.padEnd(20)} → ${to.length ? to.join(', ') : '(nothing)'}\n`);
}
process.stdout.write(
  cycles.length
    ? `\ncycles:\n${cycles.map((c) => `  ${c.join(' ↔ ')}`).join('\n')}\n`
    : '\nno cycle between libraries or apps\n',
);
if (check && cycles.length) process.exit(1);
