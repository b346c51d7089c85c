export * from './masking.js';
export * from './party-vault.js';
export * from './pii-cipher.js';
export * from './parties.module.js';
