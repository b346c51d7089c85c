import { readFile, writeFile } from 'node:fs/promises';
import { machineLine, type MachineInfo } from './lib.js';

/** The benchmarks, in the order `npm run bench` runs them and bench/RESULTS.md lists them. */
export const BENCHMARKS = [
  'transitions',
  'deadlines',
  'deliveries',
  'cfpb',
  'audit',
  'scale',
  'sign-in',
  'console',
] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export const RESULTS_FILE = process.env.BENCH_RESULTS_FILE ?? 'bench/RESULTS.md';

const HEADER = `# Benchmark results

Written by \`npm run bench\` (all) and \`npm run bench -- <name>\` (one): each run replaces its own section and
keeps the others, so sections may come from different runs; each names its machine and time. Throughput is
given as a ratio to a baseline measured in the same run, on the same machine: pgbench running the same SQL
shape, or raw BullMQ with no database. README.md ("Benchmarks") says what each one does and how to size it.
`;

/**
 * What one benchmark prints and records: lines and tables go to stdout as they come, and `write` puts them
 * in the benchmark's section of bench/RESULTS.md, with the machine they ran on.
 */
export class Report {
  private readonly lines: string[] = [];

  constructor(
    private readonly name: BenchmarkName,
    private readonly title: string,
  ) {}

  /** A paragraph (markdown); printed as is. */
  text(line: string): void {
    process.stdout.write(`${line}\n`);
    this.lines.push(line, '');
  }

  /** A markdown table, padded so that it also reads well on a terminal. */
  table(headers: string[], rows: string[][], align?: Array<'l' | 'r'>): void {
    const aligns = align ?? headers.map((_, i) => (i === 0 ? 'l' : 'r'));
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length), 3));
    const cell = (value: string, i: number) =>
      aligns[i] === 'r' ? value.padStart(widths[i]!) : value.padEnd(widths[i]!);
    const out = [
      `| ${headers.map(cell).join(' | ')} |`,
      `| ${widths.map((w, i) => (aligns[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`,
      ...rows.map((r) => `| ${headers.map((_, i) => cell(r[i] ?? '', i)).join(' | ')} |`),
    ];
    process.stdout.write(`\n${out.join('\n')}\n\n`);
    this.lines.push(...out, '');
  }

  /** Replaces this benchmark's section of bench/RESULTS.md, keeping the others. */
  async write(machine: MachineInfo, settings: string): Promise<void> {
    const body = [
      `## ${this.name}: ${this.title}`,
      '',
      `Run ${machine.at} on ${machineLine(machine)}.`,
      '',
      `Settings: ${settings}.`,
      '',
      ...this.lines,
    ]
      .join('\n')
      .replace(/\n+$/, '\n');
    await writeSection(this.name, body);
    process.stdout.write(`(written to ${RESULTS_FILE}, section "${this.name}")\n`);
  }
}

const SECTION = /<!-- bench:([a-z-]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->\n?/g;

async function writeSection(name: string, body: string): Promise<void> {
  const current = await readFile(RESULTS_FILE, 'utf8').catch(() => '');
  const sections = new Map<string, string>();
  for (const match of current.matchAll(SECTION)) sections.set(match[1]!, match[2]!);
  sections.set(name, body);
  const order = [
    ...BENCHMARKS.filter((b) => sections.has(b)),
    ...[...sections.keys()].filter((k) => !(BENCHMARKS as readonly string[]).includes(k)),
  ];
  const text = [
    HEADER,
    ...order.map((k) => `<!-- bench:${k} -->\n${sections.get(k)!.replace(/\n*$/, '\n')}<!-- /bench:${k} -->\n`),
  ].join('\n');
  await writeFile(RESULTS_FILE, text);
}
