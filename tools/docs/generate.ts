import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATUTORY_LIMITS } from '#deadlines';
import type { MachineWorkflow } from '#domain';
import {
  isReleased,
  machineModel,
  referralWorkflows,
  RELEASED,
  statesOf,
  workflows,
  type MachineName,
} from '#workflows';
import { legalClocksPage, type NamedMachine, type Statute } from './legal-clocks.js';
import { GENERATED_NOTICE, machinePage } from './machine-page.js';

/** The folder whose every file the generator owns: a file there that no machine produces is stale. */
export const MACHINES_DIR = 'docs/machines';
export const LEGAL_CLOCKS = 'docs/legal-clocks.md';

export interface DocsInput {
  /** Every version of every machine, by name: the case kinds, then the referral machine. */
  machines: Record<string, Record<number, MachineWorkflow>>;
  statutes: Readonly<Record<string, Statute>>;
}

/** What the repository holds today: `#workflows` and the statutory limits of `#deadlines`. */
export const currentInput = (): DocsInput => ({
  machines: { ...workflows, referral: referralWorkflows },
  statutes: STATUTORY_LIMITS,
});

function named(input: DocsInput): NamedMachine[] {
  return Object.entries(input.machines).flatMap(([name, versions]) =>
    Object.keys(versions)
      .map(Number)
      .sort((a, b) => a - b)
      .map((version) => ({ name, workflow: versions[version]! })),
  );
}

/** Every generated file, by path from the repository root, with its content. */
export function generateDocs(input: DocsInput = currentInput()): Map<string, string> {
  const machines = named(input);
  const files = new Map<string, string>();
  const index = [
    GENERATED_NOTICE('the machine definitions in `workflows/`'),
    '',
    '# The state machines',
    '',
    'One page per machine version: its diagram, states, transitions and events. A case keeps the machine ' +
      'version it was registered on; new cases start on the highest version of their kind. The clocks of every ' +
      'version are tabled in [the legal clocks](../legal-clocks.md). A released version is frozen: it never ' +
      'changes in place (`workflows/releases/`); an unreleased one may still change before its release.',
    '',
    '| machine | version | released | states | transitions |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const { name, workflow } of machines) {
    const file = `${name}-v${workflow.version}.md`;
    files.set(`${MACHINES_DIR}/${file}`, machinePage(name, workflow));
    const model = machineModel(workflow.machine);
    const states = statesOf(model.root).length - 1;
    const released =
      Object.hasOwn(RELEASED, name) && isReleased(name as MachineName, workflow.version) ? 'yes' : 'not yet';
    index.push(`| [${name}](${file}) | ${workflow.version} | ${released} | ${states} | ${model.transitions.length} |`);
  }
  files.set(`${MACHINES_DIR}/README.md`, [...index, ''].join('\n'));
  files.set(LEGAL_CLOCKS, legalClocksPage(machines, input.statutes));
  return files;
}

/** The repository root: the nearest folder above this file with Concord's package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'concord') {
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('the Concord repository root was not found above tools/docs');
    dir = up;
  }
}

/** Generated files whose committed copy differs or is missing, and files of `docs/machines` no machine produces. */
export function staleFiles(root: string, files: Map<string, string> = generateDocs()): string[] {
  const stale: string[] = [];
  for (const [file, content] of files) {
    const at = path.join(root, file);
    if (!existsSync(at) || readFileSync(at, 'utf8') !== content) stale.push(file);
  }
  const dir = path.join(root, MACHINES_DIR);
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (!files.has(`${MACHINES_DIR}/${name}`)) stale.push(`${MACHINES_DIR}/${name}`);
  }
  return stale.sort();
}
