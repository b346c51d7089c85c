export * from './cursors.js';
export * from './data-source.js';
export * from './database.js';
export * from './faults.js';
export * from './ids.js';
export * from './persistence.module.js';
export * from './named-sql.js';
export * from './page.js';
