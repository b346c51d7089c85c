import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People: staff accounts, their sign-in sessions, and the back-off after failed sign-ins.
 *
 * `users`: a person with one or more roles, belonging to a unit (whose subtree it sees) or, for department staff,
 * to a department (optionally limited to a unit subtree, as department keys are); admins and auditors may belong
 * to no unit (deployment-wide). `username` is unique whatever its case. `password_hash` is argon2id in the PHC
 * format (null for an account that signs in only through single sign-on); `must_change_password` is set for a
 * one-time password. `roles_changed_at` and `disabled_at` end every session begun before them.
 *
 * `user_sessions`: server-side sessions. The cookie holds a random token; only its SHA-256 is stored, and the
 * CSRF token's likewise. A session ends at `expires_at` (absolute), after the idle time since `last_seen_at`, or
 * when revoked (sign-out, disabling, a role change).
 *
 * `sign_in_failures`: consecutive failed sign-ins per account (`user:<lower username>`) and per client address
 * (`address:<ip>`), and until when each is locked.
 */
export class People1764780000000 implements MigrationInterface {
  name = 'People1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id                   uuid NOT NULL,
        username             text NOT NULL,
        name                 text NOT NULL,
        phone                text,
        unit_code            text,
        department_code      text,
        roles                text[] NOT NULL,
        password_hash        text,
        must_change_password boolean NOT NULL DEFAULT false,
        disabled_at          timestamptz,
        created_at           timestamptz NOT NULL,
        created_by           text,
        updated_at           timestamptz NOT NULL,
        roles_changed_at     timestamptz NOT NULL,
        password_changed_at  timestamptz,
        CONSTRAINT users_pkey PRIMARY KEY (id),
        CONSTRAINT users_unit_fk FOREIGN KEY (unit_code) REFERENCES units (code),
        CONSTRAINT users_department_fk FOREIGN KEY (department_code) REFERENCES departments (code),
        CONSTRAINT users_username_check CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'),
        CONSTRAINT users_roles_check CHECK (
          cardinality(roles) BETWEEN 1 AND 7
          AND roles <@ ARRAY['admin','intake','mediator','grid_worker','department','leader','auditor']::text[]),
        CONSTRAINT users_department_check CHECK (('department' = ANY (roles)) = (department_code IS NOT NULL)),
        CONSTRAINT users_scope_check CHECK (
          unit_code IS NOT NULL OR department_code IS NOT NULL OR roles <@ ARRAY['admin','auditor']::text[])
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);
    await q.query(`CREATE INDEX users_unit_idx ON users (unit_code, id)`);

    await q.query(`
      CREATE TABLE user_sessions (
        id              uuid NOT NULL,
        token_hash      text NOT NULL,
        csrf_hash       text NOT NULL,
        user_id         uuid NOT NULL,
        via             text NOT NULL,
        created_at      timestamptz NOT NULL,
        last_seen_at    timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        revoked_at      timestamptz,
        revoked_reason  text,
        client_address  text,
        user_agent      text,
        CONSTRAINT user_sessions_pkey PRIMARY KEY (id),
        CONSTRAINT user_sessions_token_key UNIQUE (token_hash),
        CONSTRAINT user_sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
        CONSTRAINT user_sessions_via_check CHECK (via IN ('password', 'oidc'))
      )`);
    await q.query(`CREATE INDEX user_sessions_user_idx ON user_sessions (user_id) WHERE revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE sign_in_failures (
        key          text NOT NULL,
        failures     integer NOT NULL,
        last_at      timestamptz NOT NULL,
        locked_until timestamptz,
        CONSTRAINT sign_in_failures_pkey PRIMARY KEY (key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sign_in_failures`);
    await q.query(`DROP TABLE user_sessions`);
    await q.query(`DROP TABLE users`);
  }
}
