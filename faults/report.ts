/** The printed result of a scenario, and whether it passed. */
import type { Findings, Tally } from './check.js';
import type { LoadStats } from './load.js';
import type { Quiet } from './stage.js';

export interface Outcome {
  name: string;
  bound: string;
  faults: string;
  load: LoadStats;
  cases: { planned: number; done: number };
  quiet: Quiet;
  findings: Findings;
  /** Answers with status 500 seen by clients and by the harness's admin calls. */
  fiveHundreds: number;
  /** Extra lines a scenario reports (503s while the database was down, dead letters replayed, …). */
  extra: string[];
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Why a scenario failed: empty when it passed. */
export function failures(o: Outcome): string[] {
  const f = o.findings;
  const tallies: Array<[string, Tally]> = [
    ['transitions', f.transitions],
    ['events', f.events],
    ['deadlines', f.deadlines],
    ['notifications', f.notifications],
    ['deliveries', f.deliveries],
  ];
  return [
    ...tallies
      .filter(([, t]) => t.lost !== 0 || t.duplicated !== 0)
      .map(([name, t]) => `${name}: ${t.lost} lost, ${t.duplicated} duplicated`),
    ...(f.events.gaps !== 0 ? [`${f.events.gaps} seq gaps`] : []),
    ...(f.events.chainValid ? [] : ['a hash chain does not verify']),
    ...(f.outboxUnprocessed !== 0 ? [`${f.outboxUnprocessed} outbox rows unprocessed`] : []),
    ...(f.deliveries.badSignatures !== 0 ? [`${f.deliveries.badSignatures} bad signatures`] : []),
    ...(o.fiveHundreds !== 0 ? [`${o.fiveHundreds} answers of 500`] : []),
    ...(o.load.refusals.length !== 0 ? [`${o.load.refusals.length} retries refused`] : []),
    ...(o.cases.done !== o.cases.planned
      ? [`the load did not finish within its bound (${o.cases.done} of ${o.cases.planned} cases)`]
      : []),
    ...(o.quiet.settled ? [] : ['the system did not settle within its bound']),
  ];
}

export const passed = (o: Outcome): boolean => failures(o).length === 0;

export function render(o: Outcome): string {
  const f = o.findings;
  const statuses = [...o.load.statuses]
    .filter(([s]) => s >= 300)
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s} ×${fmt(n)}`);
  const lines = [
    `── ${o.name} ${'─'.repeat(Math.max(0, 70 - o.name.length))}`,
    `bound:   ${o.bound}`,
    `faults:  ${o.faults}`,
    `load:    ${fmt(o.cases.done)} of ${fmt(o.cases.planned)} cases done; ${fmt(o.load.acknowledged)} requests acknowledged of ` +
      `${fmt(o.load.attempts)} attempts in ${fmt(o.load.seconds, 1)} s (${fmt(o.load.acknowledged / Math.max(o.load.seconds, 0.001))}/s); ` +
      `retried ${fmt(o.load.retried)}: connection errors ${fmt(o.load.networkErrors)}${statuses.length ? `, ${statuses.join(', ')}` : ''}`,
    `settled: ${o.quiet.settled ? `in ${fmt(o.quiet.seconds, 1)} s after the load` : `NO, still ${o.quiet.waiting} after ${fmt(o.quiet.seconds, 1)} s`}`,
    ...o.extra.map((e) => `         ${e}`),
    `                 expected        lost  duplicated`,
    row('transitions', f.transitions, 'acknowledged requests'),
    row(
      'events',
      f.events,
      `log ${fmt(f.events.total)} events; seq gaps ${f.events.gaps}; chains ${f.events.chainValid ? 'valid' : 'INVALID'}: ${f.events.chainNote}`,
    ),
    row(
      'deadlines',
      f.deadlines,
      `came due; fired ${fmt(f.deadlines.fired)}, moot ${fmt(f.deadlines.moot)} (state left first)`,
    ),
    row('notifications', f.notifications, 'notices to case owners, each recorded once'),
    row(
      'deliveries',
      f.deliveries,
      `referral events; receiver got ${fmt(f.deliveries.requests)} requests, ${fmt(f.deliveries.repeats)} repeats dropped by id; ` +
        `bad signatures ${f.deliveries.badSignatures}`,
    ),
    `outbox rows unprocessed: ${fmt(f.outboxUnprocessed)} · HTTP 500 answers: ${fmt(o.fiveHundreds)} · retries refused (4xx): ${fmt(o.load.refusals.length)}`,
  ];
  for (const t of [f.transitions, f.events, f.deadlines, f.notifications, f.deliveries])
    for (const n of t.notes) lines.push(`  ! ${n}`);
  for (const n of f.outboxNotes) lines.push(`  ! outbox: ${n}`);
  for (const r of o.load.refusals.slice(0, 5)) lines.push(`  ! refused: ${r.status} for ${r.key}: ${r.detail}`);
  const failed = failures(o);
  lines.push(failed.length ? `FAIL: ${failed.join('; ')}` : 'PASS');
  return lines.join('\n');
}

function row(name: string, t: Tally, what: string): string {
  return `${name.padEnd(14)}${fmt(t.expected).padStart(11)}${fmt(t.lost).padStart(12)}${fmt(t.duplicated).padStart(12)}   ${what}`;
}
