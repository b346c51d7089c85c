import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from 'pg';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  type DataSource,
  type EntityManager,
  type QueryRunner,
} from 'typeorm';
import { poolOf } from './data-source.js';

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

/**
 * PostgreSQL went away under a statement (a restart, a network cut): try again shortly; not a bug. A transaction's
 * QueryRunner that TypeORM already released is one whose connection raised an error between two statements
 * (Database releases its runners only when their transaction ends).
 */
export function isConnectionLost(error: unknown): boolean {
  if (error instanceof QueryRunnerAlreadyReleasedError) return true;
  return (
    error instanceof Error && (error as { code?: unknown }).code === undefined && CONNECTION_LOST.test(error.message)
  );
}

/**
 * Transactions with ambient nesting: a transaction started inside another joins it (so an idempotency key
 * and the work it guards commit together), and only the outermost one retries on serialization failures
 * and deadlocks. A transaction's statements run on a pg connection of the pool handed to TypeORM, a statement on its
 * own on the pool itself; a failed one throws the driver's own error
 * (pg's DatabaseError, with its SQLSTATE and constraint), not TypeORM's wrapper, so callers and the fault log
 * see what PostgreSQL said.
 */
export class Database {
  private readonly current = new AsyncLocalStorage<Tx>();
  private readonly pool: Pool;

  constructor(readonly dataSource: DataSource) {
    this.pool = poolOf(dataSource);
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
      const tx = wrap(client, this.dataSource);
      try {
        await client.query('BEGIN');
        const result = await this.current.run(tx, () => work(tx));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is discarded rather than returned to the pool.
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      } finally {
        await tx.close();
        client.release(broken);
      }
    }
  }

  /**
   * Runs `work` with TypeORM's EntityManager: on the ambient transaction's connection when there is one (so a
   * repository's reads and writes commit with the rest of it), else on the DataSource's. A failed statement throws
   * pg's own error, as `query` does.
   */
  async orm<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const tx = this.current.getStore();
    const manager = tx ? (tx as Transaction).runner().manager : this.dataSource.manager;
    return unwrapped(work(manager));
  }

  /** A query outside any transaction (or inside the ambient one, when there is one). */
  async query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]> {
    const tx = this.current.getStore();
    if (tx) return tx.query<T>(text, values);
    // A statement on its own runs on the pool TypeORM was given: a QueryRunner for it would check a connection
    // out and back in around one round trip, which the API pays on every request (the key lookup, the reads).
    return (await this.pool.query(text, values as unknown[])).rows as T[];
  }
}

/** TypeORM wraps a driver's error in QueryFailedError; Concord's callers read pg's error itself. */
async function unwrapped<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw error instanceof QueryFailedError && error.driverError ? error.driverError : error;
  }
}

interface Transaction extends Tx {
  /** A QueryRunner on the transaction's own connection, made the first time `orm` needs one. */
  runner(): QueryRunner;
  close(): Promise<void>;
}

/**
 * A transaction's statements go to its pg connection directly: a TypeORM QueryRunner adds broadcasting, logging and
 * timing to every statement, which costs the hot path of a transition about a tenth of its CPU. Only a repository
 * working inside the transaction gets a QueryRunner, bound to the same connection and told that its transaction is
 * already open (so TypeORM nests with savepoints instead of beginning one of its own); releasing it leaves the
 * connection to the transaction.
 */
function wrap(client: PoolClient, dataSource: DataSource): Transaction {
  let bound: QueryRunner | undefined;
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
    runner() {
      if (!bound) {
        bound = dataSource.createQueryRunner();
        Object.assign(bound, { databaseConnection: client, isTransactionActive: true, transactionDepth: 1 });
      }
      return bound;
    },
    async close() {
      await bound?.release();
    },
  };
}
