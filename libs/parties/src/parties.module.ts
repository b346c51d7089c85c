import { Module } from '@nestjs/common';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { PartyVault } from './party-vault.js';
import { PiiCipher } from './pii-cipher.js';

/** The cipher of party PII (keyed by CONCORD_DATA_KEY) and the vault that seals and opens parties with it. */
@Module({
  providers: [
    {
      provide: PiiCipher,
      inject: [CONCORD_CONFIG],
      useFactory: (config: ConcordConfig) => new PiiCipher(config.dataKey),
    },
    { provide: PartyVault, inject: [PiiCipher], useFactory: (cipher: PiiCipher) => new PartyVault(cipher) },
  ],
  exports: [PiiCipher, PartyVault],
})
export class PartiesModule {}
