import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { IdempotencyPurgeProcessor } from '../../worker/src/processors/idempotency-purge.processor.js';
import { QUEUES } from '../../worker/src/worker.tokens.js';
import { canonicalJson } from '#audit';
import { ManualClock } from '#clock';
import { IdempotencyRecords } from '#idempotency';
import { PiiCipher } from '#parties';
import { QueueName } from '#queues';
import {
  dispute,
  rowCounts,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
} from './support/index.js';

const HOUR = 3_600_000;
/** Every way the parties of `dispute()` could be written down in a record. */
const PII = ['王小明', '李大华', '13812345678', '8613812345678', '13987654321', '8613987654321', '110101199003071234'];

/**
 * What `Idempotency-Key` keeps: answers sealed with the data key, replayed exactly; records that expire
 * after `CONCORD_IDEMPOTENCY_TTL_HOURS` and are purged by the worker on the injected clock.
 */
describe('idempotency records', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let worker: TestWorker;
  let cipher: PiiCipher;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock);
    cipher = new PiiCipher(api.config.dataKey);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  /** The whole stored record, every column, as text. */
  const record = async (key: string) => {
    const [row] = await api.db.query<{ text: string }>(
      'SELECT to_jsonb(k)::text AS text FROM idempotency_keys k WHERE key = $1',
      [key],
    );
    return row?.text ?? null;
  };
  const purge = () => worker.app.get(IdempotencyPurgeProcessor).process();

  describe('answers at rest', () => {
    it('stores a case with its parties sealed, and replays it exactly', async () => {
      const headers = { 'idempotency-key': `sealed-case-${clock.now().getTime()}` };
      const first = await api.call('POST', '/cases', { body: dispute(), headers });
      expect(first.status).toBe(201);
      // The admin's answer holds the parties unmasked: exactly what must not be readable at rest.
      expect(first.body.parties[0]).toMatchObject({ name: '王小明', idNumber: '110101199003071234', masked: false });

      const stored = await record(headers['idempotency-key']);
      for (const pii of PII) expect({ pii, found: stored!.includes(pii) }).toEqual({ pii, found: false });
      expect(stored).not.toContain(first.body.id);

      const again = await api.call('POST', '/cases', { body: dispute(), headers });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      // The very answer, fields in the same order.
      expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    });

    it('stores a new API key sealed, and replays it exactly', async () => {
      const headers = { 'idempotency-key': 'sealed-key-0001' };
      const body = { role: 'intake', name: 'Front desk', unitCode: 'XC-XH' };
      const first = await api.call('POST', '/api-keys', { body, headers });
      expect(first.status).toBe(201);
      const stored = await record('sealed-key-0001');
      expect(stored).not.toContain(first.body.key);
      expect(stored).not.toContain(first.body.id);
      const again = await api.call('POST', '/api-keys', { body, headers });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
      // The replayed key works: it is the one that was created.
      expect((await api.call('GET', '/units', { key: again.body.key })).status).toBe(200);
    });
  });

  describe('the window', () => {
    it('replays within the window; after it, the same key is a new request', async () => {
      clock.set('2026-03-03T09:00:00+08:00');
      const headers = { 'idempotency-key': 'window-0001' };
      const first = await api.call('POST', '/cases', { body: dispute(), headers });
      expect(first.status).toBe(201);

      clock.advance(24 * HOUR - 1);
      const within = await api.call('POST', '/cases', { body: dispute(), headers });
      expect(within.headers.get('idempotent-replayed')).toBe('true');
      expect(within.body.id).toBe(first.body.id);

      clock.advance(1);
      const before = (await rowCounts(api.db)).cases;
      const after = await api.call('POST', '/cases', { body: dispute(), headers });
      expect(after.status).toBe(201);
      expect(after.headers.get('idempotent-replayed')).toBeNull();
      expect(after.body.id).not.toBe(first.body.id);
      expect((await rowCounts(api.db)).cases).toBe(before + 1);

      // The record was replaced: it now replays the second answer, for a new window.
      const again = await api.call('POST', '/cases', { body: dispute(), headers });
      expect(again.body.id).toBe(after.body.id);
      expect((await rowCounts(api.db)).cases).toBe(before + 1);
      const [row] = await api.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM idempotency_keys WHERE key = 'window-0001'",
      );
      expect(Number(row!.n)).toBe(1);
    });

    it('after the window, the same key with another body is a new request too', async () => {
      clock.set('2026-03-05T09:00:00+08:00');
      const headers = { 'idempotency-key': 'window-0002' };
      await api.call('POST', '/cases', { body: dispute(), headers });
      expect((await api.call('POST', '/cases', { body: dispute({ summary: '另一件事' }), headers })).status).toBe(422);
      clock.advance(24 * HOUR);
      const other = await api.call('POST', '/cases', { body: dispute({ summary: '另一件事' }), headers });
      expect(other.status).toBe(201);
      expect(other.body.summary).toBe('另一件事');
    });
  });

  describe('the purge', () => {
    /** Rewrites a record as the previous release stored it: the answer in the clear, an unkeyed fingerprint. */
    const asStoredBefore = async (key: string, path: string, body: unknown, answer: unknown, sealed = false) => {
      const fingerprint = createHash('sha256')
        .update(`POST /api/v1${path}\n${canonicalJson(body)}`)
        .digest('hex');
      const response = sealed ? { sealed: cipher.encrypt(JSON.stringify(answer)) } : answer;
      await api.db.query(
        `UPDATE idempotency_keys SET request_hash = $2, response = $3::jsonb, response_sealed = NULL WHERE key = $1`,
        [key, fingerprint, JSON.stringify(response)],
      );
    };

    it('deletes expired records in batches and seals answers an older release left in the clear', async () => {
      clock.set('2026-03-10T09:00:00+08:00');
      const old: Record<string, unknown> = {};
      for (let i = 0; i < 3; i++) {
        const reply = await api.call('POST', '/cases', { body: dispute(), headers: { 'idempotency-key': `old-${i}` } });
        old[`old-${i}`] = reply.body;
      }
      // One of the old ones as the previous release stored it: past the window, it goes like the others.
      await asStoredBefore('old-0', '/cases', dispute(), old['old-0']);

      clock.advance(20 * HOUR);
      const caseBody = dispute({ summary: '旧版本写入的记录' });
      const legacyCase = await api.call('POST', '/cases', {
        body: caseBody,
        headers: { 'idempotency-key': 'legacy-case' },
      });
      const keyBody = { role: 'mediator', name: 'Legacy desk', unitCode: 'XC-XH' };
      const legacyKey = await api.call('POST', '/api-keys', {
        body: keyBody,
        headers: { 'idempotency-key': 'legacy-key' },
      });
      await asStoredBefore('legacy-case', '/cases', caseBody, legacyCase.body);
      await asStoredBefore('legacy-key', '/api-keys', keyBody, legacyKey.body, true);
      expect(await record('legacy-case')).toContain('王小明');
      const fresh = await api.call('POST', '/cases', { body: dispute(), headers: { 'idempotency-key': 'fresh' } });

      clock.advance(4 * HOUR + 1);
      const keys = async () =>
        (await api.db.query<{ key: string }>('SELECT key FROM idempotency_keys ORDER BY key')).map((r) => r.key);
      expect(await keys()).toEqual(
        expect.arrayContaining(['fresh', 'legacy-case', 'legacy-key', 'old-0', 'old-1', 'old-2']),
      );

      const report = await purge();
      expect(report.sealed).toBe(2);
      expect(report.expired).toBeGreaterThanOrEqual(3);
      const left = await keys();
      expect(left).toEqual(expect.arrayContaining(['fresh', 'legacy-case', 'legacy-key']));
      for (const gone of ['old-0', 'old-1', 'old-2', 'window-0001', 'sealed-key-0001'])
        expect(left).not.toContain(gone);
      // Nothing is left in the clear, and nothing older than the window is left at all.
      const [plain] = await api.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM idempotency_keys WHERE response IS NOT NULL',
      );
      expect(Number(plain!.n)).toBe(0);
      const [stale] = await api.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM idempotency_keys WHERE created_at <= $1',
        [new Date(clock.now().getTime() - 24 * HOUR)],
      );
      expect(Number(stale!.n)).toBe(0);
      for (const pii of PII)
        expect({ pii, found: (await record('legacy-case'))!.includes(pii) }).toEqual({ pii, found: false });

      // Records sealed by the purge still replay their first answer, and the fresh one still replays.
      const replayCase = await api.call('POST', '/cases', {
        body: caseBody,
        headers: { 'idempotency-key': 'legacy-case' },
      });
      expect(replayCase.headers.get('idempotent-replayed')).toBe('true');
      expect(replayCase.body).toEqual(legacyCase.body);
      const replayKey = await api.call('POST', '/api-keys', {
        body: keyBody,
        headers: { 'idempotency-key': 'legacy-key' },
      });
      expect(replayKey.body).toEqual(legacyKey.body);
      expect(
        (await api.call('POST', '/cases', { body: dispute(), headers: { 'idempotency-key': 'fresh' } })).body.id,
      ).toBe(fresh.body.id);

      // A second run finds nothing to do.
      expect(await purge()).toEqual({ expired: 0, sealed: 0 });
    });

    it('works through any number of records, one bounded batch at a time', async () => {
      clock.set('2026-03-20T09:00:00+08:00');
      for (let i = 0; i < 5; i++)
        await api.call('POST', '/cases', { body: dispute(), headers: { 'idempotency-key': `batch-${i}` } });
      clock.advance(24 * HOUR);
      const records = new IdempotencyRecords(api.db, cipher, clock, 24, 2);
      expect(await records.purge()).toEqual({ expired: 8, sealed: 0 });
      expect(await api.db.query('SELECT key FROM idempotency_keys')).toEqual([]);
    });

    it('is scheduled hourly in the worker', async () => {
      const queue = (worker.app.get(QUEUES) as Map<QueueName, Queue>).get(QueueName.Housekeeping)!;
      expect(await queue.getJobScheduler('idempotency.purge.hourly')).toMatchObject({ every: HOUR });
    });
  });
});
