import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Directory upkeep: units and departments change after they are created.
 *
 * `units.retired_at`: a retired unit takes no new case and no new child unit, and stays readable with its closed
 * cases (a unit is never deleted: cases, events and keys name it).
 *
 * `departments.webhook_previous_secret` and `webhook_previous_secret_until`: after a secret rotation the old secret
 * (sealed with the data key, like `webhook_secret`) keeps signing every delivery next to the new one until the end
 * of the overlap window, so the department's system can switch secrets without refusing a delivery. Both are set
 * or neither is (`departments_previous_secret_check`). Adding nullable columns rewrites nothing.
 */
export class DirectoryUpkeep1764790000000 implements MigrationInterface {
  name = 'DirectoryUpkeep1764790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE units ADD COLUMN retired_at timestamptz`);
    await q.query(`
      ALTER TABLE departments
        ADD COLUMN webhook_previous_secret text,
        ADD COLUMN webhook_previous_secret_until timestamptz,
        ADD CONSTRAINT departments_previous_secret_check
          CHECK ((webhook_previous_secret IS NULL) = (webhook_previous_secret_until IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE departments DROP COLUMN webhook_previous_secret_until, DROP COLUMN webhook_previous_secret`,
    );
    await q.query(`ALTER TABLE units DROP COLUMN retired_at`);
  }
}
