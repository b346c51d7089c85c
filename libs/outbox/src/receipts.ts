import type { Clock } from '#clock';
import type { Tx } from '#persistence';

/**
 * Compare-and-set of an outbox row's `processed_at`: true for the one caller that marks it, false for any
 * later one. Processors call it in the transaction of their own effect, so a job that runs twice acts once; a
 * job with no effect of its own passes the Database and marks the row in one statement, with no transaction.
 */
export async function claimProcessing(tx: Pick<Tx, 'query'>, outboxId: string, clock: Clock): Promise<boolean> {
  const rows = await tx.query(
    'UPDATE outbox SET processed_at = $2 WHERE id = $1 AND processed_at IS NULL RETURNING id',
    [outboxId, clock.now()],
  );
  return rows.length === 1;
}
