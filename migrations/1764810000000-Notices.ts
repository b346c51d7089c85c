import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notices: each person's inbox (GET /api/v1/me/notices and its live stream).
 *
 * A row is one notice for one person about a case (and one of its referrals): a hand-over, a clock's warning, a
 * returned referral, or a notice to the case owner (催办, 督办, a breach) that reached the case's assignee or the
 * leader in charge. Its id is the outbox row's that asked for it (or one derived from it per person), so a job
 * delivered twice inserts nothing the second time.
 *
 * `inbox_seq` numbers a person's notices in the order they were delivered (1, 2, 3…, given under a lock per
 * person, so in commit order): the live stream resumes from it. The ids are ordered by when a notice was raised,
 * which is not the order notices arrive (jobs run side by side, a worker may be down for a while), so a stream
 * resuming after "the last id sent" could skip one that arrived late.
 *
 * `detail` is free text from the engine (a clock's key, a note someone typed): kept sealed with the data key
 * (`detail_enc`, PiiCipher), so that a copy kept outside the case file never holds readable text a party might be
 * named in.
 * `seq` is the case event that raised it. `read_at` is set when the person marks it read.
 *
 * Indexes: the inbox, newest first `(user_id, id DESC)`; the unread notices and their count, the same order over
 * the unread rows only; the stream's resumption is the unique `(user_id, inbox_seq)`.
 */
export class Notices1764810000000 implements MigrationInterface {
  name = 'Notices1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notices (
        id           uuid NOT NULL,
        user_id      uuid NOT NULL,
        inbox_seq    bigint NOT NULL,
        case_id      uuid NOT NULL,
        referral_id  uuid,
        seq          integer NOT NULL,
        topic        text NOT NULL,
        detail_enc   text,
        created_at   timestamptz NOT NULL,
        read_at      timestamptz,
        CONSTRAINT notices_pkey PRIMARY KEY (id),
        CONSTRAINT notices_user_seq_key UNIQUE (user_id, inbox_seq),
        CONSTRAINT notices_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
        CONSTRAINT notices_case_fk FOREIGN KEY (case_id) REFERENCES cases (id),
        CONSTRAINT notices_referral_fk FOREIGN KEY (referral_id) REFERENCES referrals (id),
        CONSTRAINT notices_topic_check CHECK (topic ~ '^[a-z][a-z_]{0,63}$'),
        CONSTRAINT notices_inbox_seq_check CHECK (inbox_seq >= 1),
        CONSTRAINT notices_seq_check CHECK (seq >= 1)
      )`);
    await q.query(`CREATE INDEX notices_inbox_idx ON notices (user_id, id DESC)`);
    await q.query(`CREATE INDEX notices_unread_idx ON notices (user_id, id DESC) WHERE read_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notices`);
  }
}
