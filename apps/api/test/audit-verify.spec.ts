import { spawn } from 'node:child_process';
import type { Queue } from 'bullmq';
import { AnchorsProcessor } from '../../worker/src/processors/anchors.processor.js';
import { QUEUES } from '../../worker/src/worker.tokens.js';
import { eventHash, toChainedEvent, type EventRow } from '#audit';
import { ManualClock } from '#clock';
import { QueueName } from '#queues';
import {
  dispute,
  petition,
  seedDirectory,
  ON_VERSION_1,
  startTestApi,
  startTestWorker,
  type TestApi,
} from './support/index.js';

const ZEROS = '0'.repeat(64);

/**
 * Verification of the event log (GET /audit/verify, GET /audit/anchors, `npm run audit:verify`): every way of
 * editing `case_events` behind the engine's back is found and named by case and seq; a rewrite that re-chains
 * every hash is caught by the daily anchors.
 */
describe('audit verification', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let auditor: string;
  let auditorId: string;
  let mediator: string;
  let justice: string;
  /** A referred dispute: REGISTER, ACCEPT, CLASSIFY, REFER, the department's ACKNOWLEDGE, ADD_NOTE. */
  let a: string;
  /** A petition: REGISTER, ACCEPT. */
  let b: string;
  let referralSeq: number;

  const sql = <T = Record<string, unknown>>(text: string, values?: unknown[]) => api.db.query<T>(text, values);
  const verify = (caseId?: string, key = auditor) =>
    api.call('GET', `/audit/verify${caseId ? `?caseId=${caseId}` : ''}`, { key });
  const step = async (key: string, path: string, type: string, payload: Record<string, unknown> = {}) => {
    clock.advance(60_000);
    const reply = await api.call('POST', path, { key, body: { type, payload } });
    expect({ type, status: reply.status }).toEqual({ type, status: 200 });
    return reply.body;
  };

  /** Puts `case_events` and every head back as the engine wrote them. */
  async function restore(): Promise<void> {
    await sql('DELETE FROM case_events');
    await sql('INSERT INTO case_events SELECT * FROM verify_spec_events');
    await sql('UPDATE cases c SET head_hash = h.head_hash FROM verify_spec_heads h WHERE h.id = c.id');
  }

  /** Both forms of GET /audit/verify name the break at exactly `caseId` / `seq`. */
  async function expectBroken(caseId: string, seq: number, checked = seq - 1): Promise<void> {
    const one = await verify(caseId);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      valid: false,
      checked,
      cases: 0,
      brokenAt: { caseId, seq, reason: expect.any(String) },
    });
    const all = await verify();
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ valid: false, brokenAt: { caseId, seq } });
  }

  beforeAll(async () => {
    api = await startTestApi({ clock, config: ON_VERSION_1 });
    await seedDirectory(api);
    const created = await api.call<{ id: string; key: string }>('POST', '/api-keys', {
      body: { role: 'auditor', name: '审计员 Zhou' },
    });
    auditor = created.body.key;
    auditorId = created.body.id;
    mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });

    a = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body.id;
    await step(mediator, `/cases/${a}/events`, 'ACCEPT');
    await step(mediator, `/cases/${a}/events`, 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' });
    const referred = await step(mediator, `/cases/${a}/events`, 'REFER', {
      departmentCode: 'JUSTICE',
      instructions: '请司法所调处漏水纠纷',
    });
    await step(justice, `/referrals/${referred.referrals[0].id}/events`, 'ACKNOWLEDGE', { note: '已报到' });
    await step(mediator, `/cases/${a}/events`, 'ADD_NOTE', { text: '司法所已报到' });
    b = (await api.call('POST', '/cases', { key: mediator, body: petition() })).body.id;
    await step(mediator, `/cases/${b}/events`, 'ACCEPT');

    const events = await sql<{ seq: number; referral_id: string | null }>(
      'SELECT seq, referral_id FROM case_events WHERE case_id = $1 ORDER BY seq',
      [a],
    );
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    referralSeq = events.find((e) => e.referral_id !== null)!.seq;
    expect(referralSeq).toBe(5);

    // This file's own database: let the tests do what an attacker with SQL access would.
    await sql('ALTER TABLE case_events DISABLE TRIGGER case_events_append_only');
    await sql('CREATE TABLE verify_spec_events AS SELECT * FROM case_events');
    await sql('CREATE TABLE verify_spec_heads AS SELECT id, head_hash FROM cases');
  });
  afterAll(() => api.close());

  describe('who may verify', () => {
    it('lets auditors and admins read, and refuses intake, mediators and departments', async () => {
      const intake = await api.keyFor('intake', { unitCode: 'XC-XH' });
      for (const key of [auditor, api.adminKey]) {
        expect((await verify(undefined, key)).status).toBe(200);
        expect((await verify(a, key)).status).toBe(200);
        expect((await api.call('GET', '/audit/anchors', { key })).status).toBe(200);
      }
      for (const key of [intake, mediator, justice]) {
        expect((await verify(undefined, key)).status).toBe(403);
        expect((await verify(a, key)).status).toBe(403);
        expect((await api.call('GET', '/audit/anchors', { key })).status).toBe(403);
      }
    });

    it('keeps a scoped auditor to its units: another unit’s case is not found, and all cases need an unscoped key', async () => {
      const elsewhere = await api.keyFor('auditor', { unitCode: 'XC-YL' });
      const here = await api.keyFor('auditor', { unitCode: 'XC-XH' });
      expect((await verify(a, elsewhere)).status).toBe(404);
      expect((await verify(a, here)).body).toMatchObject({ valid: true, checked: 6 });
      const all = await verify(undefined, here);
      expect(all.status).toBe(403);
      expect(all.body.detail).toMatch(/unit scope/);
    });

    it('answers 404 for an unknown case and 400 for a malformed id or cursor', async () => {
      expect((await verify('0190a5e2-0000-7000-8000-000000000000')).status).toBe(404);
      expect((await verify('not-a-uuid')).status).toBe(400);
      expect((await api.call('GET', '/audit/anchors?cursor=bm9wZQ', { key: auditor })).status).toBe(400);
      expect(
        (
          await api.call('GET', `/audit/anchors?cursor=${Buffer.from('2026-02-30').toString('base64url')}`, {
            key: auditor,
          })
        ).status,
      ).toBe(400);
      expect((await api.call('GET', '/audit/anchors?limit=0', { key: auditor })).status).toBe(400);
    });

    it('records every verification read in the access log, with the principal', async () => {
      const before = await sql<{ n: string }>(`SELECT count(*) AS n FROM audit_access_log`);
      expect((await verify(undefined)).status).toBe(200);
      expect((await verify(a)).status).toBe(200);
      expect((await api.call('GET', '/audit/anchors?limit=5', { key: auditor })).status).toBe(200);
      const rows = await sql<{
        principal_id: string;
        principal_role: string;
        principal_name: string;
        action: string;
        case_id: string | null;
        detail: unknown;
      }>(
        `SELECT principal_id, principal_role, principal_name, action, case_id, detail FROM audit_access_log ORDER BY at, id`,
      );
      expect(rows.length - Number(before[0]!.n)).toBe(3);
      const principal = { principal_id: auditorId, principal_role: 'auditor', principal_name: '审计员 Zhou' };
      expect(rows.slice(-3)).toEqual([
        { ...principal, action: 'audit.verify', case_id: null, detail: { all: true } },
        { ...principal, action: 'audit.verify', case_id: a, detail: { caseId: a } },
        { ...principal, action: 'audit.anchors', case_id: null, detail: { limit: 5 } },
      ]);
    });
  });

  describe('finds every edit made behind the engine', () => {
    afterEach(restore);

    it('reports an intact history as valid, case by case and as a whole', async () => {
      expect((await verify(a)).body).toEqual({ valid: true, checked: 6, cases: 1 });
      expect((await verify(b)).body).toEqual({ valid: true, checked: 2, cases: 1 });
      expect((await verify()).body).toEqual({
        valid: true,
        checked: 8,
        cases: 2,
        anchors: { valid: true, checked: 0 },
      });
    });

    /** Each column of a row, changed on its own: [what, SET clause, seq of case A it is applied to]. */
    const edits: Array<[string, string, number | 'referral']> = [
      ['type', `type = 'WITHDRAW'`, 3],
      ['payload', `payload = payload || '{"riskLevel": "low"}'`, 3],
      ['facts', `facts = facts || '{"tampered": true}'`, 3],
      ['actor', `actor = jsonb_set(actor, '{name}', '"someone else"')`, 2],
      ['at', `at = at - interval '1 hour'`, 2],
      ['at, by one microsecond', `at = at + interval '1 microsecond'`, 2],
      ['machine_version', 'machine_version = machine_version + 1', 4],
      ['state', `state = 'archive.closed'`, 4],
      ['unit_code', `unit_code = 'XC'`, 4],
      ['referral_id, cleared on a referral event', 'referral_id = NULL', 'referral'],
      [
        'referral_id, set on a case event',
        'referral_id = (SELECT id FROM referrals r WHERE r.case_id = e.case_id LIMIT 1)',
        6,
      ],
      ['prev_hash', `prev_hash = repeat('0', 64)`, 3],
      ['hash', `hash = repeat('a', 64)`, 3],
      ['hash of the last event', `hash = repeat('a', 64)`, 6],
      ['seq', 'seq = 100', 3],
    ];

    it.each(edits)('finds an edit of %s and names its case and seq', async (_what, set, target) => {
      const seq = target === 'referral' ? referralSeq : target;
      const [changed] = await sql<{ n: string }>(
        `WITH u AS (UPDATE case_events e SET ${set} WHERE case_id = $1 AND seq = $2 RETURNING 1) SELECT count(*) AS n FROM u`,
        [a, seq],
      );
      expect(changed!.n).toBe('1');
      await expectBroken(a, seq);
      expect((await verify(b)).body).toMatchObject({ valid: true });
    });

    it('finds an event moved to another case, in both cases', async () => {
      await sql('UPDATE case_events SET case_id = $1, seq = 3 WHERE case_id = $2 AND seq = 6', [b, a]);
      expect((await verify(a)).body).toMatchObject({ valid: false, brokenAt: { caseId: a, seq: 6 } });
      expect((await verify(b)).body).toMatchObject({ valid: false, brokenAt: { caseId: b, seq: 3 } });
      const all = (await verify()).body;
      expect([`${a}:6`, `${b}:3`]).toContain(`${all.brokenAt.caseId}:${all.brokenAt.seq}`);
    });

    it('finds a deleted event in the middle', async () => {
      await sql('DELETE FROM case_events WHERE case_id = $1 AND seq = 3', [a]);
      await expectBroken(a, 3);
    });

    it('finds a deleted last event (the head no longer matches)', async () => {
      await sql('DELETE FROM case_events WHERE case_id = $1 AND seq = 6', [a]);
      await expectBroken(a, 6);
    });

    it('finds a case whose events were all deleted', async () => {
      await sql('DELETE FROM case_events WHERE case_id = $1', [b]);
      const one = await verify(b);
      expect(one.body).toEqual({
        valid: false,
        checked: 0,
        cases: 0,
        brokenAt: { caseId: b, seq: 1, reason: expect.stringMatching(/no events/) },
      });
      expect((await verify()).body).toMatchObject({ valid: false, brokenAt: { caseId: b, seq: 1 } });
    });

    it('finds an event appended past the head, even one chained correctly', async () => {
      const [last] = await sql<EventRow>('SELECT * FROM case_events WHERE case_id = $1 AND seq = 6', [a]);
      const forged = { ...last!, seq: 7, type: 'WITHDRAW', payload: { reason: '当事人撤回' }, prev_hash: last!.hash };
      forged.hash = eventHash(forged.prev_hash, toChainedEvent(forged));
      await sql(
        `INSERT INTO case_events (case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, referral_id, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          a,
          7,
          forged.type,
          forged.payload,
          forged.facts,
          forged.actor,
          forged.at,
          forged.machine_version,
          forged.state,
          forged.unit_code,
          null,
          forged.prev_hash,
          forged.hash,
        ],
      );
      // The forged event links correctly (7 events check out), but the head still names event 6.
      await expectBroken(a, 7, 7);
    });

    it('finds a head_hash that names no event of the case', async () => {
      await sql(`UPDATE cases SET head_hash = repeat('b', 64) WHERE id = $1`, [a]);
      const one = await verify(a);
      expect(one.body).toMatchObject({
        valid: false,
        checked: 6,
        brokenAt: { caseId: a, seq: 7, reason: expect.stringMatching(/head_hash/) },
      });
    });

    it('finds two events whose seqs were swapped', async () => {
      await sql('UPDATE case_events SET seq = 1000 WHERE case_id = $1 AND seq = 2', [a]);
      await sql('UPDATE case_events SET seq = 2 WHERE case_id = $1 AND seq = 3', [a]);
      await sql('UPDATE case_events SET seq = 3 WHERE case_id = $1 AND seq = 1000', [a]);
      await expectBroken(a, 2);
    });
  });

  describe('npm run audit:verify', () => {
    afterEach(restore);

    /** The built CLI (`dist/`), as an operator runs it. */
    const cli = (args: string[], env: Record<string, string | undefined>) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const { DATABASE_URL: _inherited, ...rest } = process.env;
        const child = spawn(process.execPath, ['dist/apps/cli/src/audit-verify.js', ...args], {
          env: { ...rest, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });

    it('exits 0 on an intact database, 1 naming the case after an edit, and 2 without a database', async () => {
      const env = { DATABASE_URL: api.config.databaseUrl };
      const clean = await cli([], env);
      expect(clean.code).toBe(0);
      expect(JSON.parse(clean.stdout)).toEqual({
        valid: true,
        checked: 8,
        cases: 2,
        anchors: { valid: true, checked: 0 },
      });
      expect(clean.stderr).toMatch(/VALID: 8 events in 2 cases intact/);

      await sql(`UPDATE case_events SET payload = payload || '{"riskLevel": "low"}' WHERE case_id = $1 AND seq = 3`, [
        a,
      ]);
      const broken = await cli([], env);
      expect(broken.code).toBe(1);
      expect(JSON.parse(broken.stdout)).toMatchObject({ valid: false, brokenAt: { caseId: a, seq: 3 } });
      expect(broken.stderr).toContain(`case ${a} seq 3`);

      const one = await cli(['--case', a], env);
      expect(one.code).toBe(1);
      expect(JSON.parse(one.stdout)).toMatchObject({ valid: false, cases: 0, brokenAt: { caseId: a, seq: 3 } });
      const other = await cli(['--case', b], env);
      expect(other.code).toBe(0);
      expect(JSON.parse(other.stdout)).toEqual({ valid: true, checked: 2, cases: 1 });

      const unset = await cli([], {});
      expect(unset.code).toBe(2);
      expect(unset.stderr).toMatch(/DATABASE_URL is not set/);
      const badCase = await cli(['--case', 'nope'], env);
      expect(badCase.code).toBe(2);
    });
  });

  describe('daily anchors', () => {
    it('are taken by the worker, recomputable in SQL, and catch a history rewritten and fully re-chained', async () => {
      // Day 2: one more event, then the worker starts and anchors day 1 (2026-03-02), the only finished day.
      clock.set('2026-03-03T09:00:00+08:00');
      await step(mediator, `/cases/${b}/events`, 'ADD_NOTE', { text: '来信人补充材料' });
      const worker = await startTestWorker(api.config, api.db, clock);
      try {
        let page = (await api.call('GET', '/audit/anchors', { key: auditor })).body;
        expect(page.items).toEqual([
          expect.objectContaining({
            day: '2026-03-02',
            cases: 2,
            events: 8,
            prevAnchor: ZEROS,
            anchor: expect.stringMatching(/^[0-9a-f]{64}$/),
          }),
        ]);
        const day1 = page.items[0];

        // The recomputation the README gives outside auditors.
        const [recomputed] = await sql<{ digest: string; anchor: string }>(
          `SELECT d.digest, encode(sha256(convert_to($2 || d.digest, 'UTF8')), 'hex') AS anchor FROM (
             SELECT encode(sha256(convert_to(coalesce(string_agg(case_id || ' ' || seq || ' ' || hash || E'\\n', '' ORDER BY case_id), ''), 'UTF8')), 'hex') AS digest
             FROM (SELECT DISTINCT ON (case_id) case_id, seq, hash FROM case_events
                   WHERE at < ($1::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' ORDER BY case_id, seq DESC) heads) d`,
          ['2026-03-02', ZEROS],
        );
        expect(recomputed).toEqual({ digest: day1.digest, anchor: day1.anchor });

        const scheduler = await (worker.app.get(QUEUES) as Map<QueueName, Queue>)
          .get(QueueName.Anchors)!
          .getJobScheduler('anchors.daily');
        expect(scheduler).toMatchObject({ pattern: '10 0 * * *', tz: 'Asia/Shanghai' });

        // The daily job, ten minutes after the next midnight: day 2 is anchored on day 1's anchor; again, nothing.
        clock.set('2026-03-04T00:10:00+08:00');
        const processor = worker.app.get(AnchorsProcessor);
        expect(await processor.process()).toEqual(['2026-03-03']);
        expect(await processor.process()).toEqual([]);
        page = (await api.call('GET', '/audit/anchors?limit=1', { key: auditor })).body;
        expect(page.items).toEqual([
          expect.objectContaining({ day: '2026-03-03', cases: 2, events: 9, prevAnchor: day1.anchor }),
        ]);
        const older = (await api.call('GET', `/audit/anchors?limit=1&cursor=${page.nextCursor}`, { key: auditor }))
          .body;
        expect(older).toEqual({ items: [day1], nextCursor: null });
        expect((await verify()).body).toEqual({
          valid: true,
          checked: 9,
          cases: 2,
          anchors: { valid: true, checked: 2 },
        });
      } finally {
        await worker.close();
      }

      // The attacker edits CLASSIFY of case A and recomputes every later hash and the head, as the engine would.
      await sql(`UPDATE case_events SET payload = payload || '{"riskLevel": "low"}' WHERE case_id = $1 AND seq = 3`, [
        a,
      ]);
      const rows = await sql<EventRow>('SELECT * FROM case_events WHERE case_id = $1 AND seq >= 3 ORDER BY seq', [a]);
      let prev = (await sql<{ hash: string }>('SELECT hash FROM case_events WHERE case_id = $1 AND seq = 2', [a]))[0]!
        .hash;
      for (const row of rows) {
        const hash = eventHash(prev, toChainedEvent(row));
        await sql('UPDATE case_events SET prev_hash = $3, hash = $4 WHERE case_id = $1 AND seq = $2', [
          a,
          row.seq,
          prev,
          hash,
        ]);
        prev = hash;
      }
      await sql('UPDATE cases SET head_hash = $2 WHERE id = $1', [a, prev]);

      // Every chain checks out…
      expect((await verify(a)).body).toEqual({ valid: true, checked: 6, cases: 1 });
      // …but the day it rewrote no longer matches its anchor.
      const all = await verify();
      expect(all.body).toEqual({
        valid: false,
        checked: 9,
        cases: 2,
        anchors: { valid: false, checked: 0, brokenDay: '2026-03-02', reason: expect.stringMatching(/digest/) },
      });
    });
  });
});
