import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referrals (交办) and their webhook deliveries. A referral's events are events of its case: they join the
 * case's hash chain with `referral_id` set, and its clocks are deadline rows with `referral_id` set.
 */
export class Referrals1764200000000 implements MigrationInterface {
  name = 'Referrals1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referrals (
        id                  uuid PRIMARY KEY,
        case_id             uuid NOT NULL,
        department_code     text NOT NULL,
        role                text NOT NULL,
        machine_version     integer NOT NULL,
        state               text NOT NULL,
        version             integer NOT NULL,
        snapshot            jsonb NOT NULL,
        instructions        text NOT NULL,
        due_in_working_days integer,
        share_parties       boolean NOT NULL,
        issued_seq          integer NOT NULL,
        urged_at            timestamptz,
        supervised_at       timestamptz,
        answered_at         timestamptz,
        resolved            boolean,
        created_at          timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL,
        CONSTRAINT referrals_case_fk FOREIGN KEY (case_id) REFERENCES cases (id),
        CONSTRAINT referrals_department_fk FOREIGN KEY (department_code) REFERENCES departments (code),
        CONSTRAINT referrals_role_check CHECK (role IN ('lead', 'assist')),
        CONSTRAINT referrals_state_check
          CHECK (state IN ('issued', 'acknowledged', 'accepted', 'in_progress', 'replied', 'rejected', 'closed', 'cancelled')),
        CONSTRAINT referrals_version_check CHECK (version >= 1)
      )`);
    await q.query(`CREATE INDEX referrals_department_idx ON referrals (department_code, id DESC)`);
    await q.query(`CREATE INDEX referrals_case_idx ON referrals (case_id, issued_seq)`);

    await q.query(`ALTER TABLE case_events ADD COLUMN referral_id uuid REFERENCES referrals (id)`);
    await q.query(
      `CREATE INDEX case_events_referral_idx ON case_events (referral_id, seq) WHERE referral_id IS NOT NULL`,
    );

    await q.query(`ALTER TABLE deadlines ADD COLUMN referral_id uuid REFERENCES referrals (id)`);
    await q.query(`CREATE INDEX deadlines_referral_idx ON deadlines (referral_id) WHERE referral_id IS NOT NULL`);

    // One row per referral event announced to a department's webhook. `id` is the CloudEvent id: stable across
    // retries and replays, so the receiver can drop duplicates. `body` is the exact bytes signed and sent.
    await q.query(`
      CREATE TABLE deliveries (
        id              uuid PRIMARY KEY,
        referral_id     uuid NOT NULL,
        case_id         uuid NOT NULL,
        department_code text NOT NULL,
        seq             integer NOT NULL,
        type            text NOT NULL,
        body            text NOT NULL,
        status          text NOT NULL DEFAULT 'pending',
        attempts        integer NOT NULL DEFAULT 0,
        generation      integer NOT NULL DEFAULT 0,
        last_status     integer,
        last_error      text,
        created_at      timestamptz NOT NULL,
        last_attempt_at timestamptz,
        delivered_at    timestamptz,
        dead_at         timestamptz,
        CONSTRAINT deliveries_referral_fk FOREIGN KEY (referral_id) REFERENCES referrals (id),
        CONSTRAINT deliveries_department_fk FOREIGN KEY (department_code) REFERENCES departments (code),
        CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'dead'))
      )`);
    await q.query(`CREATE INDEX deliveries_status_idx ON deliveries (status, id)`);
    await q.query(`CREATE INDEX deliveries_referral_idx ON deliveries (referral_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deliveries`);
    await q.query(`ALTER TABLE deadlines DROP COLUMN referral_id`);
    await q.query(`ALTER TABLE case_events DROP COLUMN referral_id`);
    await q.query(`DROP TABLE referrals`);
  }
}
