import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referral machine version 2 hands petitions on (转送, 信访工作条例 art. 23 ¶3): such a referral waits in
 * `transfer.objectable` while the receiving body may still object that the matter is outside its remit, and in
 * `transfer.within_remit` after. The check on `referrals.state` admits both. NOT VALID then VALIDATE keeps the
 * ACCESS EXCLUSIVE lock to the moment of swapping the constraint: existing rows are checked under a weaker lock.
 */
export class ReferralTransfers1764730000000 implements MigrationInterface {
  name = 'ReferralTransfers1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referrals DROP CONSTRAINT referrals_state_check`);
    await q.query(`
      ALTER TABLE referrals ADD CONSTRAINT referrals_state_check
        CHECK (state IN ('issued', 'acknowledged', 'accepted', 'in_progress', 'replied', 'rejected', 'closed',
                         'cancelled', 'transfer.objectable', 'transfer.within_remit')) NOT VALID`);
    await q.query(`ALTER TABLE referrals VALIDATE CONSTRAINT referrals_state_check`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referrals DROP CONSTRAINT referrals_state_check`);
    await q.query(`
      ALTER TABLE referrals ADD CONSTRAINT referrals_state_check
        CHECK (state IN ('issued', 'acknowledged', 'accepted', 'in_progress', 'replied', 'rejected', 'closed',
                         'cancelled'))`);
  }
}
