export * from './case-engine.js';
export * from './case-record.js';
export * from './engine.module.js';
export * from './referral-events.js';
