import type { DeadlineSpec, MachineWorkflow } from '#domain';
import { machineModel, ON_ENTRY, parentPath, statesOf, type MachineModel, type TransitionModel } from '#workflows';
import { GENERATED_NOTICE, limitText } from './machine-page.js';

/** A statutory limit on a clock key: the most a policy may set, and the law that sets it. */
export interface Statute {
  amount: number;
  unit: DeadlineSpec['unit'];
  source: string;
}

export interface NamedMachine {
  /** `dispute`, `petition`, `referral`. */
  name: string;
  workflow: MachineWorkflow;
}

interface ClockRow {
  spec: DeadlineSpec;
  states: string[];
}

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Every clock a machine declares, in document order, with the states that declare it. */
function clocksOf(name: string, model: MachineModel): ClockRow[] {
  const rows = new Map<string, ClockRow>();
  for (const state of statesOf(model.root)) {
    const spec = state.clock;
    if (!spec) continue;
    const row = rows.get(spec.key);
    if (!row) rows.set(spec.key, { spec, states: [state.path] });
    else if (JSON.stringify(row.spec) !== JSON.stringify(spec)) {
      throw new Error(`${name}: clock ${spec.key} is declared with two different specs`);
    } else row.states.push(state.path);
  }
  return [...rows.values()];
}

/** Transitions that apply in `path`: its own and those of the stages around it. */
function applicable(model: MachineModel, path: string, event: string): TransitionModel[] {
  const out: TransitionModel[] = [];
  for (let at = path; ; at = parentPath(at)) {
    out.push(...model.transitions.filter((t) => t.source === at && t.event === event));
    if (at === '') return out;
  }
}

function outcomeText(t: TransitionModel): string {
  const to = t.targets.length ? `→ ${t.targets.map(code).join(', ')}${t.reenter ? ' (re-entered)' : ''}` : 'stays';
  const actions = t.actions.filter((a) => a !== 'recorded');
  return actions.length ? `${to}; ${actions.join(', ')}` : to;
}

/** What the machine does when the clock breaches: its DEADLINE_ELAPSED transitions guarded by this clock. */
function breachText(model: MachineModel, row: ClockRow): string {
  const seen = new Set<TransitionModel>();
  for (const state of row.states) {
    for (const t of applicable(model, state, 'DEADLINE_ELAPSED')) if (t.clockKeys.includes(row.spec.key)) seen.add(t);
  }
  // States sharing a clock each declare its breach: one line per distinct branch.
  const lines = [
    ...new Set(
      [...seen].map((t) => {
        const others = t.guardParts.filter((g) => !g.startsWith('deadlineIs('));
        return `${others.length ? `if ${others.map(code).join(' and ')}: ` : ''}${outcomeText(t)}`;
      }),
    ),
  ];
  if (lines.length === 0) return 'nothing (no transition handles it)';
  return lines.map((line, i) => (i > 0 && !line.startsWith('if ') ? `otherwise: ${line}` : line)).join('<br>');
}

function extensionText(model: MachineModel, row: ClockRow): string {
  const { extension } = row.spec;
  if (!extension) return 'none';
  const guards = new Set(
    row.states.flatMap((s) => applicable(model, s, 'EXTEND_DEADLINE')).flatMap((t) => (t.guard ? [t.guard] : [])),
  );
  const guard = guards.size ? ` [${[...guards].join(', ')}]` : '';
  const each = extension.repeatable ? 'each time, as often as allowed, ' : '';
  return `${each}up to ${limitText({ amount: extension.maxDays, unit: extension.unit })} by \`EXTEND_DEADLINE\`${guard}`;
}

const within = (path: string, paths: string[]) => paths.some((p) => path === p || path.startsWith(`${p}.`));

/** `path` and the states its initial children lead into: entering a stage enters them all. */
function entered(model: MachineModel, path: string): string[] {
  const byPath = new Map(statesOf(model.root).map((s) => [s.path, s]));
  const out: string[] = [];
  for (let at: string | null = path; at !== null; at = byPath.get(at)?.initial ?? null) out.push(at);
  return out;
}

/** The events that start the clock: those entering a declaring state from outside them (or re-entering one). */
function startText(name: string, model: MachineModel, row: ClockRow): string {
  const starts = new Set<string>();
  const first = name === 'referral' ? 'issue' : 'registration';
  const initial = entered(model, '');
  if (initial.some((p) => row.states.includes(p))) starts.add(first);
  for (const t of model.transitions) {
    const enters = t.targets.some((target) => entered(model, target).some((p) => within(p, row.states)));
    if (!enters || (!t.reenter && within(t.source, row.states))) continue;
    // An eventless transition out of the first state is part of the start itself.
    starts.add(t.event === ON_ENTRY && initial.includes(t.source) ? first : code(t.event));
  }
  return starts.size ? [...starts].join(', ') : 'never';
}

/** Which events stop and start a pausable clock again (`clock.pause` and `clock.resume` effects). */
function pauseText(model: MachineModel, row: ClockRow): string {
  if (!row.spec.pausable) return 'none';
  const by = (action: string) =>
    [...new Set(model.transitions.filter((t) => t.actions.includes(action)).map((t) => code(t.event)))].join(', ');
  return `paused by ${by('clock.pause') || 'nothing'}, resumed by ${by('clock.resume') || 'nothing'}; the due time moves by the pause`;
}

function statuteText(spec: DeadlineSpec, statute: Statute | undefined): string {
  if (!statute) return '— (practice)';
  if (statute.unit !== spec.unit || statute.amount < spec.amount) {
    throw new Error(
      `clock ${spec.key} declares ${limitText(spec)}, beyond its statutory limit of ${limitText(statute)} (${statute.source})`,
    );
  }
  const limit = statute.amount === spec.amount ? '' : `, at most ${limitText(statute)}`;
  return `${statute.source}${limit}`;
}

/** `docs/legal-clocks.md`: every clock of every machine version, from the machines' `meta` and the statutes. */
export function legalClocksPage(machines: NamedMachine[], statutes: Readonly<Record<string, Statute>>): string {
  const out: string[] = [
    GENERATED_NOTICE(
      'the clocks the machines declare in their states’ `meta` and the statutory limits in `#deadlines`',
    ),
    '',
    '# Legal clocks',
    '',
    'Every clock a machine declares, by machine version. A clock starts when a case (or a referral) enters a ' +
      'state that declares it (the events that do so are listed) and ends when it leaves the last of them: a key ' +
      'declared on several states runs across them. Leaving a stage and entering it again starts a fresh clock. ' +
      'A pausable clock stops while the events shown say so, and its due time moves by the time it stood still. Warnings are sent at the ' +
      'fractions shown, as `DEADLINE_WARNING` events; the breach is a `DEADLINE_ELAPSED` event, handled as shown.',
    '',
    'The limit shown is the default. Admins may change it per clock key, unit subtree and category ' +
      '(`PUT /api/v1/deadline-policies`): a statutory limit may be shortened, never lengthened. A referral whose ' +
      'REFER set `dueInWorkingDays` has its own reply limit. How a due time is counted (working days, the ' +
      'calendar, a period ending on a rest day) is in [the architecture](architecture.md#deadlines).',
    '',
  ];
  for (const { name, workflow } of machines) {
    const model = machineModel(workflow.machine);
    const rows = clocksOf(name, model);
    out.push(
      `## ${name}, version ${workflow.version}`,
      '',
      `Diagram: [${name}-v${workflow.version}](machines/${name}-v${workflow.version}.md).`,
      '',
    );
    if (rows.length === 0) {
      out.push('No clocks.', '');
      continue;
    }
    out.push(
      '| clock | statute | state | starts with | limit | warnings | pause | extension | on breach | the machine then |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const row of rows) {
      const { spec } = row;
      const warnings = spec.warnAt.length ? spec.warnAt.map((f) => `${Math.round(f * 100)}%`).join(', ') : 'none';
      out.push(
        `| ${code(spec.key)} | ${cell(statuteText(spec, statutes[spec.key]))} | ${row.states.map(code).join(', ')} | ` +
          `${startText(name, model, row)} | ${limitText(spec)} | ${warnings} | ${cell(pauseText(model, row))} | ` +
          `${cell(extensionText(model, row))} | ${cell(spec.onBreach)} | ${cell(breachText(model, row))} |`,
      );
    }
    out.push('');
  }
  const declared = new Set(
    machines.flatMap(({ name, workflow }) => clocksOf(name, machineModel(workflow.machine))).map((r) => r.spec.key),
  );
  const orphans = Object.keys(statutes).filter((key) => !declared.has(key));
  if (orphans.length) throw new Error(`statutory limits name clocks no machine declares: ${orphans.join(', ')}`);
  return out.join('\n');
}
