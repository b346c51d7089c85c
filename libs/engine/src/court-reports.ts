import type { Actor, DelegationEnding, Effect } from '#domain';
import { uuidv7, type Tx } from '#persistence';
import type { CaseRow } from './case-record.js';
import type { NewDelivery } from './case-writes.js';
import { pickActor } from './effects.js';

/** Where a case's own CloudEvents come from (a referral's come from `/api/v1/referrals`). */
export const CASE_EVENT_SOURCE = '/api/v1/cases';

/** What the court is told: `cn.concord.delegation.<ending>`. */
export const courtReportType = (ending: DelegationEnding) => `cn.concord.delegation.${ending}`;

/**
 * A delegated dispute's report to its court. The court sees no more than a referral's department would: the case,
 * its delegation number and how the mediation ended, with the event that ended it by type, time and actor. Never
 * the event's payload: agreement terms and reasons are free text that may name the parties.
 */
export interface CourtReportData {
  caseId: string;
  caseReference: string;
  courtCode: string;
  delegationNumber: string;
  ending: DelegationEnding;
  /** The case's outcome and state after the event: `transferred` when it goes back to the court. */
  outcome: string | null;
  state: string;
  /** The event's place in the case's hash chain. */
  seq: number;
  event: { type: string; at: string; actor: Pick<Actor, 'role' | 'name'> };
}

/**
 * The deliveries the transition's `court.report` effects ask for: one per report, to a court with a webhook (a
 * court without one reads the case as any department would). They belong to no referral: the court delegated the
 * dispute, nobody referred it to the court.
 */
export async function courtReports(
  tx: Tx,
  row: CaseRow,
  effects: Effect[],
  event: { type: string; actor: unknown },
  now: Date,
): Promise<NewDelivery[]> {
  const reports = effects.filter((e): e is Extract<Effect, { kind: 'court.report' }> => e.kind === 'court.report');
  if (!reports.length) return [];
  const hooked = new Set(
    (
      await tx.query<{ code: string }>(
        'SELECT code FROM departments WHERE code = ANY($1::text[]) AND webhook_url IS NOT NULL',
        [reports.map((r) => r.courtCode)],
      )
    ).map((d) => d.code),
  );
  return reports
    .filter((r) => hooked.has(r.courtCode))
    .map((r) => {
      const id = uuidv7(now.getTime());
      const type = courtReportType(r.ending);
      const data: CourtReportData = {
        caseId: row.id,
        caseReference: row.reference,
        courtCode: r.courtCode,
        delegationNumber: r.delegationNumber,
        ending: r.ending,
        outcome: row.outcome,
        state: row.state,
        seq: row.version,
        event: { type: event.type, at: now.toISOString(), actor: pickActor(event.actor) },
      };
      const body = JSON.stringify({
        specversion: '1.0',
        id,
        source: CASE_EVENT_SOURCE,
        type,
        subject: row.id,
        time: data.event.at,
        datacontenttype: 'application/json',
        data,
      });
      return { id, referralId: null, departmentCode: r.courtCode, type, body };
    });
}
