export * from './gauges.js';
export * from './observability.module.js';
export * from './observed-queues.js';
export * from './outbox-backlog.js';
export * from './readiness.js';
export * from './transition-metering.js';
