export * from './departments.repository.js';
export * from './hydrate.js';
export * from './policies.repository.js';
export * from './units.repository.js';
export * from './api-keys.repository.js';
export * from './deliveries.repository.js';
export * from './calendar.repository.js';
export * from './security-log.repository.js';
