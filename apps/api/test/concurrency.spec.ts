import pg from 'pg';
import { loadDeadlineJobs } from '#deadlines';
import { CaseEngine } from '#engine';
import { dispute, seedDirectory, startTestApi, verifyChain, type TestApi } from './support/index.js';

describe('concurrent events on one case', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ config: { dbPoolSize: 60 } });
    await seedDirectory(api);
  });
  afterAll(() => api.close());

  it('50 concurrent events all apply, with contiguous versions and an unbroken hash chain', async () => {
    const id = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.call('POST', `/cases/${id}/events`, { body: { type: 'ADD_NOTE', payload: { text: `note ${i}` } } }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(replies.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 2),
    );

    const events = await api.db.query<{ seq: number; payload: { text: string } }>(
      `SELECT seq, payload FROM case_events WHERE case_id = $1 AND type = 'ADD_NOTE' ORDER BY seq`,
      [id],
    );
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(new Set(events.map((e) => e.payload.text)).size).toBe(50);
    expect(await verifyChain(api.db, id)).toEqual({ valid: true, checked: 51 });
    expect((await api.call('GET', `/cases/${id}`)).body.version).toBe(51);
  });

  it('with one shared expectedVersion exactly one of 50 wins', async () => {
    const id = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.call('POST', `/cases/${id}/events`, {
          body: { type: 'ADD_NOTE', payload: { text: `race ${i}` }, expectedVersion: 1 },
        }),
      ),
    );
    const won = replies.filter((r) => r.status === 200);
    const lost = replies.filter((r) => r.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const reply of lost) expect(reply.body).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    const [{ count }] = (await api.db.query<{ count: string }>('SELECT count(*) FROM case_events WHERE case_id = $1', [
      id,
    ])) as [{ count: string }];
    expect(Number(count)).toBe(2);
    expect(await verifyChain(api.db, id)).toEqual({ valid: true, checked: 2 });
  });

  it('concurrent state changes: exactly one ACCEPT of many applies, the rest are refused', async () => {
    const id = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => api.call('POST', `/cases/${id}/events`, { body: { type: 'ACCEPT' } })),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409 && r.body.code === 'event_not_allowed')).toHaveLength(19);
    expect(await verifyChain(api.db, id)).toEqual({ valid: true, checked: 2 });
  });
});

/**
 * A transition that waits for a case's lock sees the row as the transaction before it left it: PostgreSQL
 * rechecks the locked row only, against the statement's first snapshot. These hold the lock in a session of
 * their own, change the case the way an escalation or a firing does, and commit while a transition waits.
 */
describe('a transition that waited for the case lock', () => {
  let api: TestApi;
  let holder: pg.Client;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    holder = new pg.Client({ connectionString: api.config.databaseUrl });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
    await api.close();
  });

  /** Resolves once a session other than `holder` waits for a lock. */
  async function someoneWaits(): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const { rows } = await holder.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if (Number(rows[0]!.n) > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('no session came to wait for the lock');
  }

  it('still finds a case that was moved to its parent unit meanwhile', async () => {
    const created = (await api.call('POST', '/cases', { body: dispute() })).body;
    expect(created.unitCode).toBe('XC-XH-01');
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM cases WHERE id = $1 FOR NO KEY UPDATE', [created.id]);
    await holder.query(`UPDATE cases SET unit_code = 'XC-XH' WHERE id = $1`, [created.id]);
    const waiting = api.call('POST', `/cases/${created.id}/events`, {
      body: { type: 'ADD_NOTE', payload: { text: 'after the move' } },
    });
    await someoneWaits();
    await holder.query('COMMIT');
    const reply = await waiting;
    expect({ status: reply.status, unitCode: reply.body.unitCode }).toEqual({ status: 200, unitCode: 'XC-XH' });
  });

  it('does not fire a deadline whose clock ended meanwhile', async () => {
    const created = (await api.call('POST', '/cases', { body: dispute() })).body;
    const intake = created.deadlines[0];
    const [job] = await loadDeadlineJobs(api.db, [intake.id]);
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM cases WHERE id = $1 FOR NO KEY UPDATE', [created.id]);
    await holder.query(`UPDATE deadlines SET status = 'cancelled', ended_at = now() WHERE case_id = $1`, [created.id]);
    const firing = api.app.get(CaseEngine).fireDeadline({ ...job!, dueAt: new Date(0).toISOString() });
    await someoneWaits();
    await holder.query('COMMIT');
    expect(await firing).toEqual({ outcome: 'ignored', reason: 'no longer pending' });
    const { body } = await api.call('GET', `/cases/${created.id}/history`);
    expect(body.items.map((e: { type: string }) => e.type)).toEqual(['REGISTER']);
  });
});
