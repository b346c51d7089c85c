export * from './logging.js';
export * from './request-context.js';
export * from './tracing.js';
