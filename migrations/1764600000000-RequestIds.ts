import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request that caused a piece of work, recorded with it: `case_events.request_id` (the `X-Request-Id` of the
 * request, or of the request whose job sent the event) and, on `outbox`, `request_id` and `traceparent` (the W3C
 * trace context of the transition), which the relay hands to the job so that its log line and its span continue
 * the request's.
 *
 * `request_id` is not part of the event's hash: it is operational correlation, not the record. Events recorded
 * before keep their hashes, the chain's format does not change, and an auditor's verification is the same with
 * or without it. All three columns are nullable without a default, so adding them rewrites no table; their values
 * are bounded by the application (a plain token of at most 128 characters; a traceparent is 55), which is why
 * no CHECK is added: validating one would scan `case_events` whole at start-up.
 */
export class RequestIds1764600000000 implements MigrationInterface {
  name = 'RequestIds1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_events ADD COLUMN request_id text`);
    await q.query(`ALTER TABLE outbox ADD COLUMN request_id text, ADD COLUMN traceparent text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN traceparent, DROP COLUMN request_id`);
    await q.query(`ALTER TABLE case_events DROP COLUMN request_id`);
  }
}
