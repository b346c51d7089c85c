import { DomainError, inScope, type Principal } from '#domain';
import type { Clock } from '#clock';
import type { PartyRow, PartyView, PartyVault } from '#parties';
import type { Database } from '#persistence';
import type { AccessLog } from './access-log.js';

export interface Unmasked {
  caseId: string;
  parties: PartyView[];
  reason: string;
  at: string;
}

/**
 * An auditor sees PII only by asking for it, case by case, with a reason: the disclosure is written to the
 * audit access log (with the reason) in the same transaction that reads the parties, so no PII leaves unless
 * its record committed first.
 */
export class PartyUnmasking {
  constructor(
    private readonly db: Database,
    private readonly vault: PartyVault,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  async unmask(caseId: string, reason: string, reader: Principal): Promise<Unmasked> {
    return this.db.transaction(async (tx) => {
      const [found] = await tx.query<{ path: string }>(
        'SELECT u.path FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = $1',
        [caseId],
      );
      if (!found || !inScope(reader, found.path)) throw DomainError.notFound(`Case ${caseId}`);
      await this.accessLog.record(reader, { action: 'audit.unmask', caseId, detail: { reason } });
      const rows = await tx.query<PartyRow>(
        `SELECT id, case_id, role, name_enc, phone_enc, id_number_enc, vulnerable, representative FROM parties
          WHERE case_id = $1 ORDER BY added_seq, id`,
        [caseId],
      );
      return {
        caseId,
        parties: rows.map((row) => this.vault.view(row, true)),
        reason,
        at: this.clock.now().toISOString(),
      };
    });
  }
}
