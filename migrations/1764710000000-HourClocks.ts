import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A policy may set a clock in elapsed hours (an emergency line answers within hours, not days). The amount keeps
 * its bounds (1 to 365) in either unit. Swapping the CHECK validates it against the policies once: a small table.
 */
export class HourClocks1764710000000 implements MigrationInterface {
  name = 'HourClocks1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deadline_policies DROP CONSTRAINT deadline_policies_unit_check,
      ADD CONSTRAINT deadline_policies_unit_check CHECK (unit IN ('working_days', 'calendar_days', 'hours'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM deadline_policies WHERE unit = 'hours'`);
    await q.query(`ALTER TABLE deadline_policies DROP CONSTRAINT deadline_policies_unit_check,
      ADD CONSTRAINT deadline_policies_unit_check CHECK (unit IN ('working_days', 'calendar_days'))`);
  }
}
