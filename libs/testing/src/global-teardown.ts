import type { EmbeddedPostgres, LocalRedis } from '#local';
import { adminQuery, ENV } from './test-infra.js';

/** Drops the databases test files left behind (a file that crashed) and stops what the setup started. */
export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { concordEmbedded?: EmbeddedPostgres; concordRedis?: LocalRedis };
  const adminUrl = process.env[ENV.adminUrl];
  const run = process.env[ENV.run];
  if (adminUrl && run) {
    const left = await adminQuery(
      adminUrl,
      `SELECT datname FROM pg_database WHERE datname LIKE 'concord\\_t\\_${run}\\_%'`,
    );
    for (const { datname } of left.rows as Array<{ datname: string }>) {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  }
  if (state.concordRedis?.started) await state.concordRedis.stop();
  await state.concordEmbedded?.stop();
}
