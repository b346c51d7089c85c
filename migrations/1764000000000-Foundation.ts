import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Units, departments, API keys, cases with their parties and hash-chained events, the outbox, and
 * idempotency keys. `case_events` is append-only: a trigger refuses UPDATE and DELETE.
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE units (
        code        text PRIMARY KEY,
        name        text NOT NULL,
        level       text NOT NULL,
        parent_code text,
        path        text NOT NULL,
        created_at  timestamptz NOT NULL,
        CONSTRAINT units_parent_fk FOREIGN KEY (parent_code) REFERENCES units (code),
        CONSTRAINT units_level_check CHECK (level IN ('district', 'street', 'community', 'grid')),
        CONSTRAINT units_path_check CHECK (path LIKE '/%/')
      )`);
    await q.query(`CREATE INDEX units_path_idx ON units (path text_pattern_ops)`);

    await q.query(`
      CREATE TABLE departments (
        code           text PRIMARY KEY,
        name           text NOT NULL,
        categories     text[] NOT NULL DEFAULT '{}',
        webhook_url    text,
        webhook_secret text,
        created_at     timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE TABLE api_keys (
        id              uuid PRIMARY KEY,
        name            text NOT NULL,
        role            text NOT NULL,
        unit_code       text,
        department_code text,
        key_hash        text NOT NULL,
        key_prefix      text NOT NULL,
        created_by      uuid,
        created_at      timestamptz NOT NULL,
        revoked_at      timestamptz,
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
        CONSTRAINT api_keys_unit_fk FOREIGN KEY (unit_code) REFERENCES units (code),
        CONSTRAINT api_keys_department_fk FOREIGN KEY (department_code) REFERENCES departments (code),
        CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'intake', 'mediator', 'department', 'auditor')),
        CONSTRAINT api_keys_department_role_check CHECK ((role = 'department') = (department_code IS NOT NULL))
      )`);

    await q.query(`CREATE SEQUENCE case_reference_seq`);
    await q.query(`
      CREATE TABLE cases (
        id              uuid PRIMARY KEY,
        reference       text NOT NULL,
        query_code      text NOT NULL,
        kind            text NOT NULL,
        machine_version integer NOT NULL,
        state           text NOT NULL,
        stage           text NOT NULL,
        version         integer NOT NULL,
        unit_code       text NOT NULL,
        channel         text NOT NULL,
        category        text,
        risk_level      text,
        outcome         text,
        supervised      boolean NOT NULL DEFAULT false,
        summary         text NOT NULL,
        description     text NOT NULL,
        occurred_at     timestamptz,
        snapshot        jsonb NOT NULL,
        head_hash       text NOT NULL,
        created_by      uuid NOT NULL,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL,
        CONSTRAINT cases_reference_key UNIQUE (reference),
        CONSTRAINT cases_query_code_key UNIQUE (query_code),
        CONSTRAINT cases_unit_fk FOREIGN KEY (unit_code) REFERENCES units (code),
        CONSTRAINT cases_kind_check CHECK (kind IN ('dispute', 'petition')),
        CONSTRAINT cases_stage_check CHECK (stage IN ('intake', 'triage', 'mediation', 'escalation', 'archive')),
        CONSTRAINT cases_version_check CHECK (version >= 1)
      )`);
    await q.query(`CREATE INDEX cases_unit_idx ON cases (unit_code, id DESC)`);
    await q.query(`CREATE INDEX cases_stage_idx ON cases (stage, id DESC)`);
    await q.query(`CREATE INDEX cases_created_at_idx ON cases (created_at)`);

    await q.query(`
      CREATE TABLE parties (
        id            uuid PRIMARY KEY,
        case_id       uuid NOT NULL,
        role          text NOT NULL,
        name_enc      text NOT NULL,
        phone_enc     text,
        id_number_enc text,
        vulnerable    text[] NOT NULL DEFAULT '{}',
        pii_digest    text NOT NULL,
        added_seq     integer NOT NULL,
        created_at    timestamptz NOT NULL,
        CONSTRAINT parties_case_fk FOREIGN KEY (case_id) REFERENCES cases (id),
        CONSTRAINT parties_role_check CHECK (role IN ('applicant', 'respondent', 'third_party'))
      )`);
    await q.query(`CREATE INDEX parties_case_idx ON parties (case_id)`);

    await q.query(`
      CREATE TABLE case_events (
        case_id         uuid NOT NULL,
        seq             integer NOT NULL,
        type            text NOT NULL,
        payload         jsonb NOT NULL,
        facts           jsonb NOT NULL,
        actor           jsonb NOT NULL,
        at              timestamptz NOT NULL,
        machine_version integer NOT NULL,
        state           text NOT NULL,
        unit_code       text NOT NULL,
        prev_hash       text NOT NULL,
        hash            text NOT NULL,
        CONSTRAINT case_events_pkey PRIMARY KEY (case_id, seq),
        CONSTRAINT case_events_case_fk FOREIGN KEY (case_id) REFERENCES cases (id),
        CONSTRAINT case_events_seq_check CHECK (seq >= 1)
      )`);
    await q.query(`
      CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
      FOR EACH ROW EXECUTE FUNCTION case_events_append_only()`);

    await q.query(`
      CREATE TABLE case_links (
        case_id        uuid NOT NULL,
        linked_case_id uuid NOT NULL,
        relation       text NOT NULL,
        seq            integer NOT NULL,
        created_at     timestamptz NOT NULL,
        CONSTRAINT case_links_pkey PRIMARY KEY (case_id, linked_case_id, relation),
        CONSTRAINT case_links_case_fk FOREIGN KEY (case_id) REFERENCES cases (id),
        CONSTRAINT case_links_linked_fk FOREIGN KEY (linked_case_id) REFERENCES cases (id),
        CONSTRAINT case_links_relation_check CHECK (relation IN ('merged_into'))
      )`);
    await q.query(`CREATE INDEX case_links_linked_idx ON case_links (linked_case_id)`);

    await q.query(`
      CREATE TABLE outbox (
        id           uuid PRIMARY KEY,
        case_id      uuid,
        queue        text NOT NULL,
        name         text NOT NULL,
        payload      jsonb NOT NULL,
        created_at   timestamptz NOT NULL,
        relayed_at   timestamptz,
        processed_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unrelayed_idx ON outbox (id) WHERE relayed_at IS NULL`);
    await q.query(
      `CREATE INDEX outbox_unprocessed_idx ON outbox (relayed_at) WHERE relayed_at IS NOT NULL AND processed_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE idempotency_keys (
        principal_id uuid NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        status       integer,
        response     jsonb,
        created_at   timestamptz NOT NULL,
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (principal_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE outbox`);
    await q.query(`DROP TABLE case_links`);
    await q.query(`DROP TABLE case_events`);
    await q.query(`DROP FUNCTION case_events_append_only()`);
    await q.query(`DROP TABLE parties`);
    await q.query(`DROP TABLE cases`);
    await q.query(`DROP SEQUENCE case_reference_seq`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE departments`);
    await q.query(`DROP TABLE units`);
  }
}
