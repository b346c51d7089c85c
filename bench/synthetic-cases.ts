import { hashPassword } from '#auth';
import { SystemClock } from '#clock';
import { DeadlineBook } from '#deadlines';
import type { Actor } from '#domain';
import { CaseEngine } from '#engine';
import { PartyVault, type PiiCipher } from '#parties';
import { createDataSource, Database } from '#persistence';
import { sql } from './lib.js';
import { actorId, BENCH_PASSWORD, loadScaleData, type LoadReport } from './scale-data.js';

/**
 * Loads scale-data.ts's synthetic directory, accounts, cases and events into a migrated database. One real case,
 * opened through the engine, gives the snapshot, REGISTER payload and facts every synthetic case copies; the
 * parties' names and phones are encrypted with the deployment's data key, as the API writes them.
 */
export async function loadSyntheticCases(
  url: string,
  cipher: PiiCipher,
  cases: number,
  events: number,
): Promise<LoadReport> {
  await sql(
    url,
    `INSERT INTO units (code, name, level, parent_code, path, created_at) VALUES ('TMP', 'template', 'district', NULL, '/TMP/', now())`,
  );
  const dataSource = await createDataSource({ url, poolSize: 2 }).initialize();
  try {
    const actor: Actor = { id: actorId(1), role: 'mediator', name: 'staff 1' };
    const { case: template } = await new CaseEngine(
      new Database(dataSource),
      new SystemClock(),
      new PartyVault(cipher),
      new DeadlineBook(),
    ).open({
      kind: 'dispute',
      channel: 'walk_in',
      unitCode: 'TMP',
      summary: 'bench',
      description: 'bench',
      parties: [],
      actor,
      scope: null,
    });
    const [t] = (
      await sql(
        url,
        `SELECT c.snapshot::text AS snapshot, e.payload::text AS register, e.facts::text AS facts
           FROM cases c JOIN case_events e ON e.case_id = c.id WHERE c.id = $1`,
        [template.id],
      )
    ).rows as Array<{ snapshot: string; register: string; facts: string }>;
    await sql(
      url,
      `TRUNCATE cases, case_events, parties, deadlines, outbox, idempotency_keys CASCADE; DELETE FROM units WHERE code = 'TMP'`,
    );
    const names = ['王小明', '李大华', '张三', '赵敏', '陈静', '刘洋', '杨帆', '黄磊', '周婷', '吴强'];
    return await loadScaleData(url, cases, events, {
      snapshot: t!.snapshot,
      register: t!.register,
      facts: t!.facts,
      names: names.map((n) => cipher.encrypt(n)),
      phones: names.map((_, i) => cipher.encrypt(`1380000${String(i).padStart(4, '0')}`)),
      passwordHash: await hashPassword(BENCH_PASSWORD),
    });
  } finally {
    await dataSource.destroy();
  }
}
