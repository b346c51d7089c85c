// What the integration specs of both apps use: the shared test infrastructure, the real API over HTTP, and the
// real worker in process (several API specs follow a case through the worker too).
export * from '#testing';
export * from './api-harness.js';
export * from '../../../worker/test/support/worker-harness.js';
export * from './log-capture.js';
export * from './clocks.js';
export * from './open-case.js';
export * from './webhook-receiver.js';
export * from './oidc-provider.js';
export * from './sse-client.js';
