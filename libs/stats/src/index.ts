export * from './kpis.js';
export * from './series.js';
export * from './stats.module.js';
