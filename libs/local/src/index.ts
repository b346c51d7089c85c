export * from './embedded-postgres.js';
export * from './launcher-link.js';
export * from './local-redis.js';
export * from './processes.js';
export * from './queue-prefix.js';
export * from './run-state.js';
