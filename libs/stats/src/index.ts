export * from './kpis.js';
export * from './stats.module.js';
