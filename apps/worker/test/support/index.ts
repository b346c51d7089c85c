// The worker's specs use the same support as the API's: the test infrastructure, the real API and the real worker.
export * from '../../../api/test/support/index.js';
