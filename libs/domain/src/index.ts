export * from './actor.js';
export * from './codes.js';
export * from './dates.js';
export * from './errors.js';
export * from './phone.js';
export * as s from './schema.js';
export type { Schema, Infer } from './schema.js';
export { validate } from './schema.js';
export * from './workflow.js';
