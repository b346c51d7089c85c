export * from './outbox-relay.js';
export * from './outbox.js';
export * from './receipts.js';
export * from './outbox.module.js';
