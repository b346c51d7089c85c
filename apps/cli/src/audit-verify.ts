/**
 * `npm run audit:verify [-- --case <uuid>]`: recomputes the hash chains (every case, or one) and the daily
 * anchors of the database at DATABASE_URL, for operators. Only reads: the session is read-only and no
 * migration runs.
 *
 * stdout: the JSON report (as `GET /api/v1/audit/verify` answers); stderr: a one-line summary.
 * Exit 0: intact · 1: broken · 2: could not verify (no DATABASE_URL, no connection, no schema, bad arguments).
 */
import { parseArgs } from 'node:util';
import { Anchors, type ChainReport, ChainVerifier } from '#audit';
import { SystemClock } from '#clock';
import { createDataSource, Database } from '#persistence';

const USAGE = 'usage: npm run audit:verify [-- --case <case uuid>]   (reads DATABASE_URL)';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class Unverifiable extends Error {}

/** The database URL with every transaction read-only, whatever the verifier's code does. */
function readOnly(url: string): string {
  const u = new URL(url);
  const options = u.searchParams.get('options');
  u.searchParams.set('options', `${options ? `${options} ` : ''}-c default_transaction_read_only=on`);
  return u.toString();
}

function summary(
  report: ChainReport & { anchors?: { valid: boolean; checked: number; brokenDay?: string; reason?: string } },
  caseId?: string,
): string {
  const scope = caseId ? `case ${caseId}` : `${report.cases} cases`;
  const chains = report.brokenAt
    ? `BROKEN at case ${report.brokenAt.caseId} seq ${report.brokenAt.seq}: ${report.brokenAt.reason}`
    : `${report.checked} events in ${scope} intact`;
  const a = report.anchors;
  const anchors = !a
    ? ''
    : a.valid
      ? `; ${a.checked} daily anchors match`
      : `; anchor of ${a.brokenDay} BROKEN: ${a.reason}`;
  return `audit:verify: ${report.valid ? 'VALID' : 'INVALID'}: ${chains}${anchors}`;
}

async function main(): Promise<number> {
  let caseId: string | undefined;
  try {
    const { values } = parseArgs({
      options: { case: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      process.stderr.write(`${USAGE}\n`);
      return 0;
    }
    caseId = values.case;
  } catch (error) {
    throw new Unverifiable(`${(error as Error).message}\n${USAGE}`);
  }
  if (caseId !== undefined && !UUID.test(caseId))
    throw new Unverifiable(`--case must be a case id (a UUID), not "${caseId}"`);
  const url = process.env.DATABASE_URL?.trim();
  if (!url) throw new Unverifiable(`DATABASE_URL is not set: point it at the Concord database to verify.\n${USAGE}`);

  let dataSource;
  try {
    dataSource = await createDataSource({
      url: readOnly(url),
      poolSize: 3,
      applicationName: 'concord-audit-verify',
    }).initialize();
  } catch (error) {
    throw new Unverifiable(`cannot connect to DATABASE_URL: ${(error as Error).message}`);
  }
  try {
    const db = new Database(dataSource);
    const [schema] = await db.query<{ events: boolean; anchors: boolean }>(
      `SELECT to_regclass('case_events') IS NOT NULL AS events, to_regclass('audit_anchors') IS NOT NULL AS anchors`,
    );
    if (!schema?.events || !schema.anchors) {
      throw new Unverifiable(
        'the database has no Concord audit schema (case_events, audit_anchors): it is not a migrated Concord database',
      );
    }
    const verifier = new ChainVerifier(db);
    let report: ChainReport & { anchors?: Awaited<ReturnType<Anchors['verifyAnchors']>> };
    if (caseId) {
      const id = caseId.toLowerCase();
      const [known] = await db.query(`SELECT 1 FROM cases WHERE id = $1`, [id]);
      if (!known) throw new Unverifiable(`case ${id} does not exist`);
      report = await verifier.verifyCase(id);
    } else {
      const [chains, anchors] = await Promise.all([
        verifier.verifyAll(),
        new Anchors(db, new SystemClock()).verifyAnchors(),
      ]);
      report = {
        valid: chains.valid && anchors.valid,
        checked: chains.checked,
        cases: chains.cases,
        ...(chains.brokenAt ? { brokenAt: chains.brokenAt } : {}),
        anchors,
      };
    }
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`${summary(report, caseId)}\n`);
    return report.valid ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `audit:verify: ${error instanceof Unverifiable ? error.message : ((error as Error).stack ?? String(error))}\n`,
    );
    process.exitCode = 2;
  },
);
