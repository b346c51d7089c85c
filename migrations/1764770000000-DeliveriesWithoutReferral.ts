import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery need not belong to a referral: a court-delegated dispute (诉前委派) reports how its mediation ended
 * to the delegating court's webhook (特邀调解规定 arts. 21, 26 ¶2), and the court was never asked, by a referral,
 * to do anything. Such a delivery has no `referral_id`; it still names its case, through which admins' scope
 * reaches it, and its department. Dropping NOT NULL rewrites nothing. `down` deletes those deliveries: the schema
 * it returns to cannot hold them.
 */
export class DeliveriesWithoutReferral1764770000000 implements MigrationInterface {
  name = 'DeliveriesWithoutReferral1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ALTER COLUMN referral_id DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM deliveries WHERE referral_id IS NULL`);
    await q.query(`ALTER TABLE deliveries ALTER COLUMN referral_id SET NOT NULL`);
  }
}
