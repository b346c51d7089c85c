import type { PartyRole } from '#domain';
import type { Tx } from '#persistence';
import { uuidv7 } from '#persistence';
import { maskIdNumber, maskName, maskPhone } from './masking.js';
import type { PiiCipher } from './pii-cipher.js';

export interface PartyInput {
  role: PartyRole;
  name: string;
  phone?: string;
  idNumber?: string;
  vulnerable?: string[];
  /** One of the representatives a group of petitioners chose (信访工作条例 art. 20 ¶3). */
  representative?: boolean;
}

/** What the event log keeps of a party: no PII, only a keyed digest that proves the stored PII unchanged. */
export interface PartyRef {
  partyId: string;
  role: PartyRole;
  vulnerable: string[];
  /** Present (true) only for a representative, so the record of every other party keeps its shape. */
  representative?: true;
  piiDigest: string;
}

export interface SealedParty {
  ref: PartyRef;
  nameEnc: string;
  phoneEnc: string | null;
  idNumberEnc: string | null;
}

export interface PartyView {
  id: string;
  role: PartyRole;
  name: string;
  phone: string | null;
  idNumber: string | null;
  vulnerable: string[];
  representative: boolean;
  masked: boolean;
}

export interface PartyRow {
  id: string;
  case_id: string;
  role: PartyRole;
  name_enc: string;
  phone_enc: string | null;
  id_number_enc: string | null;
  vulnerable: string[];
  representative: boolean;
}

/** Stores parties with their PII encrypted, and reads them back in full or masked. */
export class PartyVault {
  constructor(private readonly cipher: PiiCipher) {}

  /** Encrypts the parties' PII and gives each an id and digest; nothing is written yet. */
  seal(parties: PartyInput[], now: Date): SealedParty[] {
    const seal = (v: string | undefined) => (v === undefined ? null : this.cipher.encrypt(v));
    return parties.map((p) => ({
      ref: {
        partyId: uuidv7(now.getTime()),
        role: p.role,
        vulnerable: p.vulnerable ?? [],
        ...(p.representative ? { representative: true as const } : {}),
        piiDigest: this.cipher.digest([p.name, p.phone ?? null, p.idNumber ?? null]),
      },
      nameEnc: this.cipher.encrypt(p.name),
      phoneEnc: seal(p.phone),
      idNumberEnc: seal(p.idNumber),
    }));
  }

  /** Writes sealed parties to `caseId`, recording the event (`seq`) that added them. */
  async insert(tx: Tx, caseId: string, sealed: SealedParty[], seq: number, now: Date): Promise<void> {
    if (sealed.length === 0) return;
    await tx.prepared(
      'parties_insert',
      `INSERT INTO parties (id, case_id, role, name_enc, phone_enc, id_number_enc, vulnerable, pii_digest, added_seq, created_at,
                            representative)
       SELECT id, $2::uuid, role, name_enc, phone_enc, id_number_enc,
              ARRAY(SELECT jsonb_array_elements_text(vulnerable)), pii_digest, $9::int, $10::timestamptz, representative
       FROM unnest($1::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $11::boolean[])
         AS p(id, role, name_enc, phone_enc, id_number_enc, vulnerable, pii_digest, representative)`,
      [
        sealed.map((p) => p.ref.partyId),
        caseId,
        sealed.map((p) => p.ref.role),
        sealed.map((p) => p.nameEnc),
        sealed.map((p) => p.phoneEnc),
        sealed.map((p) => p.idNumberEnc),
        sealed.map((p) => JSON.stringify(p.ref.vulnerable)),
        sealed.map((p) => p.ref.piiDigest),
        seq,
        now,
        sealed.map((p) => p.ref.representative === true),
      ],
    );
  }

  view(row: PartyRow, unmasked: boolean): PartyView {
    const name = this.cipher.decrypt(row.name_enc);
    const phone = row.phone_enc ? this.cipher.decrypt(row.phone_enc) : null;
    const idNumber = row.id_number_enc ? this.cipher.decrypt(row.id_number_enc) : null;
    return {
      id: row.id,
      role: row.role,
      name: unmasked ? name : maskName(name),
      phone: phone && !unmasked ? maskPhone(phone) : phone,
      idNumber: idNumber && !unmasked ? maskIdNumber(idNumber) : idNumber,
      vulnerable: row.vulnerable,
      representative: row.representative,
      masked: !unmasked,
    };
  }
}
