export * from './api-client.js';
export * from './directory.fixture.js';
export * from './test-infra.js';
export * from './db-probes.js';
export * from './spawn-worker.js';
export * from './spawn-api.js';
export * from './openapi.js';
export * from './edge-values.js';
