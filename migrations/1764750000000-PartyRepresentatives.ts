import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `parties.representative`: the party is one of the representatives a group of petitioners chose (信访工作条例
 * art. 20 ¶3, at most 5 on a walk-in petition; the engine enforces the number, which depends on the case's kind
 * and channel). A constant default adds the column without rewriting the table.
 */
export class PartyRepresentatives1764750000000 implements MigrationInterface {
  name = 'PartyRepresentatives1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE parties ADD COLUMN representative boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE parties DROP COLUMN representative`);
  }
}
