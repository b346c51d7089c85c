// Jest loads global setup outside its module system, where TypeScript sources cannot be resolved; this
// runs the compiled setup instead (`npm test` builds first).
export default async function setup() {
  const { default: run } = await import('../../dist/libs/testing/src/global-setup.js').catch((error) => {
    throw new Error(`run \`npm run build\` before jest (${error.message})`);
  });
  await run();
}
