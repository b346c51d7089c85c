import type { CaseReadsRepository } from './case-reads.repository.js';

/**
 * What anyone holding a case's query code (查询码) may see of it (阳光信访): where it stands and since when.
 * Deliberately nothing else: no party, no summary or description, no payload or note, no unit, no actor.
 */
export interface PublicProgress {
  reference: string;
  kind: string;
  /** The current stage: intake, triage, mediation, escalation or archive. */
  stage: string;
  /** Each time the case entered a stage, oldest first; a stage entered again (a reopened case) is listed again. */
  stages: Array<{ stage: string; enteredAt: string }>;
  registeredAt: string;
  updatedAt: string;
  /**
   * 办理中 (`in_progress`), 办结 (`concluded`: the answer is given and the case is in follow-up) or 归档
   * (`closed`: archived and sealed). A reopened case is in progress again.
   */
  status: ProgressStatus;
  /** When the case was last concluded (entered the archive stage); null while it is in progress. */
  concludedAt: string | null;
  /** Archived and sealed (archive.closed), not merely concluded. */
  closed: boolean;
}

export const PROGRESS_STATUSES = ['in_progress', 'concluded', 'closed'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/** Query codes are 12 characters of Crockford base32 (see randomCode). */
const QUERY_CODE = /^[0-9A-HJKMNP-TV-Z]{12}$/;

/**
 * A code as a person might type it back: any case, with spaces or hyphens, O for 0 and I or L for 1 (Crockford's
 * own reading rules). Null when it cannot be a query code at all.
 */
export function normalizeQueryCode(input: string): string | null {
  if (input.length > 64) return null;
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return QUERY_CODE.test(code) ? code : null;
}

/** The public view of a case by its query code. */
export class PublicProgressQueries {
  constructor(private readonly reads: CaseReadsRepository) {}

  /**
   * Null for an unknown code and for one that cannot be a code alike. Both run the same statement (a malformed
   * code looks up a value no case has), so neither the answer nor its timing tells them apart.
   */
  async find(input: string): Promise<PublicProgress | null> {
    const code = normalizeQueryCode(input) ?? '';
    const row = await this.reads.progress(code);
    if (!row) return null;
    const concluded = row.stage === 'archive';
    return {
      reference: row.reference,
      kind: row.kind,
      stage: row.stage,
      stages: row.stages,
      registeredAt: row.registered_at,
      updatedAt: row.updated_at,
      status: row.closed ? 'closed' : concluded ? 'concluded' : 'in_progress',
      concludedAt: concluded ? (row.stages.findLast((s) => s.stage === 'archive')?.enteredAt ?? null) : null,
      closed: row.closed,
    };
  }
}
