import { DataSource } from 'typeorm';
import { migrations } from '#migrations';
import { entities } from './entities/index.js';

export interface DataSourceConfig {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/**
 * The one way Concord connects to PostgreSQL. The schema comes from migrations only: the entities describe the
 * tables the migrations make (entities.spec.ts checks that they agree) and never create or alter one.
 */
export function createDataSource(config: DataSourceConfig): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.url,
    poolSize: config.poolSize ?? 20,
    applicationName: config.applicationName ?? 'concord',
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    // A query that runs for a minute is a bug; fail it rather than hold locks forever.
    extra: { statement_timeout: 60_000, idle_in_transaction_session_timeout: 60_000 },
  });
}

/** Any 64-bit number unique to Concord; concurrent starts take turns running migrations under it. */
const MIGRATION_LOCK = 7_310_542_118;

/**
 * Runs pending migrations while holding a session advisory lock, so an API and a worker starting together
 * do not both try to apply the same migration.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

/** Migrates the database at `url` on a connection of its own, before any part of Concord uses it. */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = await createDataSource({ url, poolSize: 2, applicationName: 'concord-migrations' }).initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
