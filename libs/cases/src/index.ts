export * from './case-queries.js';
export * from './case-view.js';
export * from './cases.module.js';
export * from './referral-queries.js';
export * from './public-progress.js';
export * from './case-reads.repository.js';
export * from './referral-reads.repository.js';
