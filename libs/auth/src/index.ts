export * from './api-keys.service.js';
export * from './auth.guard.js';
export * from './auth.module.js';
export * from './client-origin.js';
export * from './key-cache.js';
export * from './key-revocations.js';
export * from './roles.decorator.js';
export * from './security-log.js';
