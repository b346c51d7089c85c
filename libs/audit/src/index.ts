export * from './canonical-json.js';
export * from './hash-chain.js';
export * from './verify-chain.js';
export * from './access-log.js';
export * from './audit.module.js';
