export * from './deliveries.service.js';
export * from './webhook-sender.js';
export * from './webhook-signature.js';
export * from './referrals.module.js';
