import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on: the logins begun at the identity provider and not yet come back.
 *
 * `oidc_logins`: one row per `GET /session/oidc`, keyed by the SHA-256 of its `state` (the browser holds the state;
 * the table never does), with the ID token's expected `nonce`, the PKCE `code_verifier` and where to send the
 * person afterwards. The callback deletes its row as it reads it (`DELETE … RETURNING`), so a state serves once;
 * a row past `expires_at` (10 minutes) is refused, and purged by the next login begun.
 */
export class OidcLogins1764820000000 implements MigrationInterface {
  name = 'OidcLogins1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oidc_logins (
        state_hash    text NOT NULL,
        nonce         text NOT NULL,
        code_verifier text NOT NULL,
        return_to     text NOT NULL,
        created_at    timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL,
        CONSTRAINT oidc_logins_pkey PRIMARY KEY (state_hash),
        CONSTRAINT oidc_logins_return_to_check CHECK (return_to LIKE '/%'),
        CONSTRAINT oidc_logins_expiry_check CHECK (expires_at > created_at)
      )`);
    await q.query(`CREATE INDEX oidc_logins_expires_idx ON oidc_logins (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE oidc_logins`);
  }
}
