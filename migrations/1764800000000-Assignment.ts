import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assignment: a case has a person working it (`assignee_id`) and may have a leader in personal charge of it
 * (`in_charge_id`, 领导包案: 信访工作条例 art. 18 ¶2); a referral has the department's person working it. Each is a
 * copy of the machine's context for queries, as `supervised` is: the events that set them (CLAIM, ASSIGN,
 * UNASSIGN, TAKE_CHARGE, RECUSE, ASSIGN_MEDIATOR) are in the case's chain. Version-1 cases keep both null.
 * Adding nullable columns rewrites nothing; the work-queue indexes come with the queues.
 */
export class Assignment1764800000000 implements MigrationInterface {
  name = 'Assignment1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases
        ADD COLUMN assignee_id uuid,
        ADD COLUMN in_charge_id uuid,
        ADD CONSTRAINT cases_assignee_fk FOREIGN KEY (assignee_id) REFERENCES users (id),
        ADD CONSTRAINT cases_in_charge_fk FOREIGN KEY (in_charge_id) REFERENCES users (id)`);
    await q.query(`
      ALTER TABLE referrals
        ADD COLUMN assignee_id uuid,
        ADD CONSTRAINT referrals_assignee_fk FOREIGN KEY (assignee_id) REFERENCES users (id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referrals DROP COLUMN assignee_id`);
    await q.query(`ALTER TABLE cases DROP COLUMN in_charge_id, DROP COLUMN assignee_id`);
  }
}
