import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys as a real system handles them: an expiry, a record of last use, revocation that every API process
 * hears at once, and an append-only security log of who created, revoked and rotated which key.
 *
 * `api_key_usage` holds when each key was last used, apart from `api_keys`: authentication writes it (at most
 * once a minute per key), and keeping that bookkeeping out of the key's own row means a key's definition
 * changes only when someone changes it, and the notify trigger below fires only then.
 *
 * `api_keys_changed` tells every API process (LISTEN concord_api_keys) that a key row changed or went, with the
 * key id as payload, so each drops what it cached of that key: a key revoked or cut short directly in the
 * database is refused from the next request on, as one revoked through the API is.
 *
 * `security_log` is append-only like `audit_access_log`. `unit_code` is the unit of the key (or other subject)
 * the entry is about, so a unit-scoped reader sees the entries of its subtree; it has no foreign key, since a
 * log must keep what it names whatever becomes of it.
 */
export class ApiKeys1764500000000 implements MigrationInterface {
  name = 'ApiKeys1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN expires_at timestamptz`);
    await q.query(`CREATE INDEX api_keys_unit_idx ON api_keys (unit_code, id)`);

    await q.query(`
      CREATE TABLE api_key_usage (
        key_id       uuid NOT NULL,
        last_used_at timestamptz NOT NULL,
        CONSTRAINT api_key_usage_pkey PRIMARY KEY (key_id),
        CONSTRAINT api_key_usage_key_fk FOREIGN KEY (key_id) REFERENCES api_keys (id) ON DELETE CASCADE
      )`);

    await q.query(`
      CREATE FUNCTION api_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('concord_api_keys', OLD.id::text);
        RETURN NULL;
      END $$`);
    // Any change to a key row may change who the key is or whether it is valid; revoked_at and expires_at are
    // the usual ones. Notifications are sent at commit, so a process never drops a cache entry too early.
    await q.query(`
      CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys
      FOR EACH ROW EXECUTE FUNCTION api_keys_changed()`);

    await q.query(`
      CREATE TABLE security_log (
        id             uuid NOT NULL,
        at             timestamptz NOT NULL,
        actor_id       uuid,
        actor_role     text NOT NULL,
        actor_name     text NOT NULL,
        action         text NOT NULL,
        subject_type   text NOT NULL,
        subject_id     text NOT NULL,
        unit_code      text,
        detail         jsonb NOT NULL DEFAULT '{}',
        client_address text,
        user_agent     text,
        CONSTRAINT security_log_pkey PRIMARY KEY (id),
        CONSTRAINT security_log_action_check CHECK (action ~ '^[a-z][a-z_]*(\\.[a-z][a-z_]*)+$')
      )`);
    await q.query(`CREATE INDEX security_log_at_idx ON security_log (at, id)`);
    await q.query(`CREATE INDEX security_log_actor_idx ON security_log (actor_id, at, id)`);
    await q.query(`CREATE INDEX security_log_action_idx ON security_log (action, at, id)`);
    await q.query(`CREATE INDEX security_log_unit_idx ON security_log (unit_code, at, id)`);
    await q.query(`CREATE INDEX security_log_subject_idx ON security_log (subject_type, subject_id, at)`);
    await q.query(`
      CREATE FUNCTION security_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'security_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER security_log_append_only BEFORE UPDATE OR DELETE ON security_log
      FOR EACH ROW EXECUTE FUNCTION security_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE security_log`);
    await q.query(`DROP FUNCTION security_log_append_only()`);
    await q.query(`DROP TRIGGER api_keys_changed ON api_keys`);
    await q.query(`DROP FUNCTION api_keys_changed()`);
    await q.query(`DROP TABLE api_key_usage`);
    await q.query(`DROP INDEX api_keys_unit_idx`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN expires_at`);
  }
}
