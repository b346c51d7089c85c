export * from './idempotency-records.js';
