import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A single sign-on login begun and not yet come back: its state's SHA-256, nonce and PKCE verifier. */
@Entity('oidc_logins')
@Check('oidc_logins_return_to_check', `return_to LIKE '/%'`)
@Check('oidc_logins_expiry_check', `expires_at > created_at`)
@Index('oidc_logins_expires_idx', ['expiresAt'])
export class OidcLoginEntity {
  @PrimaryColumn({ name: 'state_hash', type: 'text', primaryKeyConstraintName: 'oidc_logins_pkey' })
  stateHash!: string;

  @Column({ type: 'text' })
  nonce!: string;

  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier!: string;

  @Column({ name: 'return_to', type: 'text' })
  returnTo!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
