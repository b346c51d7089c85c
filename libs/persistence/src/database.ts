import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/** A transaction in progress. */
export interface Tx {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** Runs a named prepared statement: parsed and planned once per connection. */
  prepared<T = Record<string, unknown>>(name: string, text: string, values: unknown[]): Promise<T[]>;
  /** Rows affected by a statement. */
  execute(text: string, values?: unknown[]): Promise<number>;
}

/** SQLSTATEs after which the whole transaction can safely run again. */
const RETRYABLE = new Set(['40001', '40P01']);
/** Unique violations that come from random values (a query code drawn twice) rather than from input. */
const RETRYABLE_CONSTRAINTS = new Set(['cases_query_code_key']);
const MAX_ATTEMPTS = 5;

export function isRetryable(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return RETRYABLE.has(e?.code ?? '') || (e?.code === '23505' && RETRYABLE_CONSTRAINTS.has(e.constraint ?? ''));
}

/** node-postgres's own errors (they carry no SQLSTATE) for a connection that dropped or could not be made. */
const CONNECTION_LOST =
  /^(Connection terminated|Connection terminated unexpectedly|Connection terminated due to connection timeout|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect)$/;

/** PostgreSQL went away under a statement (a restart, a network cut): try again shortly; not a bug. */
export function isConnectionLost(error: unknown): boolean {
  return (
    error instanceof Error && (error as { code?: unknown }).code === undefined && CONNECTION_LOST.test(error.message)
  );
}

/**
 * Transactions with ambient nesting: a transaction started inside another joins it (so an idempotency key
 * and the work it guards commit together), and only the outermost one retries on serialization failures
 * and deadlocks. They run on the `pg` pool under TypeORM's DataSource: TypeORM's QueryRunner adds event
 * broadcasting and logging to every statement, which doubled the cost of a transition on the hot path.
 */
export class Database {
  private readonly current = new AsyncLocalStorage<Tx>();
  private readonly pool: Pool;

  constructor(readonly dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    // The pool stops listening for a client's errors while it is checked out, and a connection can drop just then
    // (PostgreSQL restarting): an 'error' event that no one hears ends the process. Every client keeps a listener
    // of its own; the statement under way (or the next one) fails by itself, and the pool discards the client.
    const heard = new WeakSet<PoolClient>();
    this.pool.on('acquire', (client) => {
      if (heard.has(client)) return;
      heard.add(client);
      client.on('error', () => {});
    });
  }

  /** The pool's connections (open, idle, the most it opens) and the callers waiting for one: for its gauges. */
  poolUsage(): { total: number; idle: number; waiting: number; max: number } {
    const { totalCount, idleCount, waitingCount, options } = this.pool;
    return { total: totalCount, idle: idleCount, waiting: waitingCount, max: options.max ?? 10 };
  }

  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const outer = this.current.getStore();
    if (outer) return work(outer);
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const tx = wrap(client);
        const result = await this.current.run(tx, () => work(tx));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is discarded rather than returned to the pool.
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  /** A query outside any transaction (or inside the ambient one, when there is one). */
  async query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]> {
    const tx = this.current.getStore();
    if (tx) return tx.query<T>(text, values);
    return (await this.pool.query(text, values as unknown[])).rows as T[];
  }
}

function wrap(client: PoolClient): Tx {
  return {
    async query<T>(text: string, values?: unknown[]) {
      return (await client.query(text, values as unknown[])).rows as T[];
    },
    async prepared<T>(name: string, text: string, values: unknown[]) {
      return (await client.query({ name, text, values })).rows as T[];
    },
    async execute(text: string, values?: unknown[]) {
      return (await client.query(text, values as unknown[])).rowCount ?? 0;
    },
  };
}
