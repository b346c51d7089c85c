import pg from 'pg';
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
  // The postgres driver's documented `driver` option names the pg module it builds its pool with; this one
  // records the pool it builds (with TypeORM's own settings), so that its usage can be read: see poolOf.
  class ObservedPool extends pg.Pool {
    constructor(options?: pg.PoolConfig) {
      super(options);
      pools.set(dataSource, this); // built by initialize(), after dataSource is assigned
    }
  }
  const dataSource: DataSource = new DataSource({
    type: 'postgres',
    driver: Object.create(pg, { Pool: { value: ObservedPool } }),
    url: config.url,
    poolSize: config.poolSize ?? 20,
    applicationName: config.applicationName ?? 'concord',
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // TypeORM's logger prints a failed statement with its parameters, which may be a party's name or phone; the
    // error reaches the caller instead, and Concord logs it without values (describeFault).
    logging: false,
    // A query that runs for a minute is a bug; fail it rather than hold locks forever.
    extra: { statement_timeout: 60_000, idle_in_transaction_session_timeout: 60_000 },
  });
  return dataSource;
}

const pools = new WeakMap<DataSource, pg.Pool>();

/** The connection pool of a DataSource made by createDataSource, once it is initialized. */
export function poolOf(dataSource: DataSource): pg.Pool {
  const pool = pools.get(dataSource);
  if (!pool) throw new Error('poolOf: the DataSource is not initialized, or was not made by createDataSource');
  return pool;
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
