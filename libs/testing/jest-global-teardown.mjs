// See jest-global-setup.mjs.
export default async function teardown() {
  const { default: run } = await import('../../dist/libs/testing/src/global-teardown.js');
  await run();
}
