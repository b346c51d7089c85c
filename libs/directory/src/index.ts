export * from './departments.service.js';
export * from './directory.module.js';
export * from './units.service.js';
export * from './unit-codes.js';
