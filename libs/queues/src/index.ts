export * from './consumers.js';
export * from './job-origin.js';
export * from './queue-names.js';
export * from './redis.js';
export * from './redis.module.js';
export * from './queues.js';
export * from './queues.module.js';
