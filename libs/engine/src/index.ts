export * from './case-engine.js';
export * from './case-record.js';
export * from './commands.js';
export { deliveryJob } from './effects.js';
export * from './engine.module.js';
export * from './referral-events.js';
export { CASE_EVENT_SOURCE, courtReportType, type CourtReportData } from './court-reports.js';
