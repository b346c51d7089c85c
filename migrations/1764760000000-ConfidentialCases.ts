import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `cases.confidential`: an accusation (检举控告类) is confidential (信访工作条例 art. 30): only admins and auditors
 * within their scope, and the discipline-inspection department it was referred to, see it; every read of it is
 * recorded in `security_log` (action `case.confidential_read`). The transition that classes the petition sets the
 * column; every case query filters on it. A constant default adds the column without rewriting the table.
 */
export class ConfidentialCases1764760000000 implements MigrationInterface {
  name = 'ConfidentialCases1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN confidential boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases DROP COLUMN confidential`);
  }
}
