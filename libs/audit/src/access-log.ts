import { type Principal } from '#domain';
import type { Clock } from '#clock';
import { uuidv7, type Database } from '#persistence';

/** What an audit read was: `audit.verify`, `audit.events`, `audit.export`, `audit.state`, `audit.unmask`, … */
export interface AccessRecord {
  action: string;
  caseId?: string | null;
  /** The filters or reason of the read; never PII. */
  detail?: Record<string, unknown>;
}

/**
 * Every audit read is itself recorded: who looked at what, when. Written before the answer goes out, in the
 * caller's transaction when there is one, so a read that was answered was recorded. Append-only (a trigger).
 */
export class AccessLog {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async record(principal: Principal, record: AccessRecord): Promise<void> {
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO audit_access_log (id, principal_id, principal_role, principal_name, action, case_id, detail, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        uuidv7(now.getTime()),
        principal.id,
        principal.role,
        principal.name,
        record.action,
        record.caseId ?? null,
        JSON.stringify(record.detail ?? {}),
        now,
      ],
    );
  }
}
