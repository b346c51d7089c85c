import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clockSpecs, referralWorkflows, workflows } from '#workflows';
import { petitionV2Workflow } from '../workflows/petition/petition-v2.machine.js';
import { currentInput, generateDocs, LEGAL_CLOCKS, MACHINES_DIR, repoRoot, staleFiles } from './docs/generate.js';
import { legalClocksPage } from './docs/legal-clocks.js';

describe('the generated docs (docs/machines, docs/legal-clocks.md)', () => {
  it('are what the machines produce today: regenerating them changes nothing', () => {
    const stale = staleFiles(repoRoot());
    if (stale.length > 0) {
      throw new Error(
        `${stale.join(', ')} differ from the machine definitions: run npm run docs and commit the result`,
      );
    }
    expect(stale).toEqual([]);
  });

  it('draw every version of every case kind and of the referral machine', () => {
    const files = generateDocs();
    const expected = [
      ...Object.entries(workflows).flatMap(([kind, versions]) => Object.keys(versions).map((v) => `${kind}-v${v}.md`)),
      ...Object.keys(referralWorkflows).map((v) => `referral-v${v}.md`),
    ];
    for (const file of expected) expect(files.get(`${MACHINES_DIR}/${file}`)).toContain('```mermaid\nstateDiagram-v2');
    const index = files.get(`${MACHINES_DIR}/README.md`)!;
    for (const file of expected) expect(index).toContain(`](${file})`);
  });

  it('show stages, guarded and final transitions and clocks in the diagram', () => {
    const page = generateDocs().get(`${MACHINES_DIR}/dispute-v1.md`)!;
    const diagram = page.split('```mermaid\n')[1]!.split('```')[0]!;
    expect(diagram).toContain('  state mediation {');
    expect(diagram).toContain('intake_registered --> triage_assessing : ACCEPT');
    expect(diagram).toContain(
      'triage_assessing --> mediation_referred : REFER [notCriticalBelowStreet and categoryClassified and withinResponsibilityLists]',
    );
    expect(diagram).toContain('archive_closed --> [*]');
    expect(diagram).toContain('intake_registered : clock dispute.intake, 3 working days');
    expect(diagram).toContain('note right of escalation : clock dispute.escalation, 5 working days');
  });

  it('write every diagram line in a form Mermaid parses', () => {
    // Text after the first colon ends at a colon in notes, and `;`, `#`, braces and quotes are Mermaid syntax.
    const text = String.raw`[^:;#{}"\n]+`;
    const forms = [
      /^stateDiagram-v2$/,
      /^direction LR$/,
      /^\[\*\] --> \w+$/,
      /^\w+ --> \[\*\]$/,
      /^state "\w+" as \w+$/,
      /^state \w+ \{$/,
      /^\}$/,
      new RegExp(`^\\w+ : ${text}$`),
      new RegExp(`^note right of \\w+ : ${text}$`),
      new RegExp(`^\\w+ --> \\w+ : ${text}$`),
    ];
    for (const [file, page] of generateDocs()) {
      const diagram = page.split('```mermaid\n')[1]?.split('```')[0];
      if (diagram === undefined) continue;
      const odd = diagram
        .trim()
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => !forms.some((form) => form.test(line)));
      expect({ file, odd }).toEqual({ file, odd: [] });
    }
  });

  it('table every clock key of every machine, with its statute where one applies', () => {
    const { statutes } = currentInput();
    const table = generateDocs().get(LEGAL_CLOCKS)!;
    for (const key of clockSpecs().keys()) expect(table).toContain(`| \`${key}\` |`);
    for (const [key, { source }] of Object.entries(statutes)) expect(table).toContain(`| \`${key}\` | ${source}`);
  });

  it('say which events start each clock, and which pause it', () => {
    const { statutes } = currentInput();
    const petition = Object.fromEntries(Object.entries(statutes).filter(([key]) => key.startsWith('petition.')));
    const table = legalClocksPage([{ name: 'petition', workflow: petitionV2Workflow }], petition);
    const row = (key: string) => table.split('\n').find((line) => line.startsWith(`| \`${key}\` |`))!;
    expect(row('petition.intake')).toContain('| registration, `REFERRAL_REJECTED` |');
    expect(row('petition.handling')).toContain('| `ACCEPT` |');
    expect(row('petition.review_request')).toContain('| `DELIVER_OPINION` |');
    expect(row('petition.re_review')).toContain('| paused by `START_HEARING`, resumed by `END_HEARING`;');
    expect(row('petition.review')).toContain('| none |');
  });

  it('change when a clock changes, and refuse a default beyond its statute', () => {
    const input = currentInput();
    const before = generateDocs(input).get(LEGAL_CLOCKS)!;
    const key = 'petition.handling';
    const looser = { ...input, statutes: { ...input.statutes, [key]: { ...input.statutes[key]!, amount: 90 } } };
    expect(generateDocs(looser).get(LEGAL_CLOCKS)).not.toBe(before);
    const tighter = { ...input, statutes: { ...input.statutes, [key]: { ...input.statutes[key]!, amount: 45 } } };
    expect(() => generateDocs(tighter)).toThrow(/petition\.handling declares 60 calendar days, beyond its statutory/);
  });

  it('report a missing, an edited and a leftover file', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'concord-docs-'));
    try {
      const files = generateDocs();
      for (const [file, content] of files) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), content);
      }
      expect(staleFiles(root, files)).toEqual([]);
      writeFileSync(path.join(root, LEGAL_CLOCKS), `${files.get(LEGAL_CLOCKS)!} edited by hand\n`);
      rmSync(path.join(root, MACHINES_DIR, 'referral-v1.md'));
      writeFileSync(path.join(root, MACHINES_DIR, 'dispute-v0.md'), 'a version that no longer exists\n');
      expect(staleFiles(root, files)).toEqual([
        LEGAL_CLOCKS,
        `${MACHINES_DIR}/dispute-v0.md`,
        `${MACHINES_DIR}/referral-v1.md`,
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
