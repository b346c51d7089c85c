import pg from 'pg';
import { QueryRunnerAlreadyReleasedError } from 'typeorm';
import { createTestDatabase } from '#testing';
import { createDataSource } from '../src/data-source.js';
import { Database, isConnectionLost } from '../src/database.js';

describe('Database.transaction (real PostgreSQL)', () => {
  let db: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = new Database(await createDataSource({ url: database.url, poolSize: 4 }).initialize());
    await db.query('CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL)');
    await db.query('INSERT INTO t VALUES (1, 0), (2, 0)');
  });
  afterAll(async () => {
    await db.dataSource.destroy();
    await drop();
  });

  it('rolls back everything when the work throws, and frees the connection', async () => {
    for (let i = 0; i < 10; i++) {
      await expect(
        db.transaction(async (tx) => {
          await tx.query('UPDATE t SET n = n + 1 WHERE id = 1');
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
    }
    expect(await db.query('SELECT n FROM t WHERE id = 1')).toEqual([{ n: 0 }]);
  });

  it('joins the ambient transaction instead of opening a second one', async () => {
    await expect(
      db.transaction(async (outer) => {
        await outer.query('UPDATE t SET n = 10 WHERE id = 2');
        await db.transaction(async (inner) => {
          const [{ n }] = (await inner.query<{ n: number }>('SELECT n FROM t WHERE id = 2')) as [{ n: number }];
          expect(n).toBe(10); // sees the outer transaction's uncommitted write: same connection
        });
        throw new Error('undo both');
      }),
    ).rejects.toThrow('undo both');
    expect(await db.query('SELECT n FROM t WHERE id = 2')).toEqual([{ n: 0 }]);
  });

  it('runs a repository inside a transaction on its connection, so it sees and undoes the same work', async () => {
    const before = db.poolUsage();
    await expect(
      db.transaction(async (tx) => {
        await tx.query('UPDATE t SET n = 7 WHERE id = 1');
        await db.orm(async (manager) => {
          expect(await manager.query('SELECT n FROM t WHERE id = 1')).toEqual([{ n: 7 }]);
          // TypeORM's own transaction nests as a savepoint in the open one rather than beginning another.
          await manager.transaction((inner) => inner.query('UPDATE t SET n = 8 WHERE id = 2'));
        });
        expect(await tx.query('SELECT n FROM t WHERE id = 2')).toEqual([{ n: 8 }]);
        throw new Error('undo both');
      }),
    ).rejects.toThrow('undo both');
    expect(await db.query('SELECT id, n FROM t ORDER BY id')).toEqual([
      { id: 1, n: 0 },
      { id: 2, n: 0 },
    ]);
    expect(db.poolUsage().total - db.poolUsage().idle).toBe(before.total - before.idle); // its connection is back
  });

  it('retries the loser of a deadlock, so both transactions commit', async () => {
    let attempts = 0;
    // Each waits for the other to hold its first lock, then asks for the other's row: a real deadlock.
    let bothLocked!: () => void;
    const locked = new Promise<void>((resolve) => (bothLocked = resolve));
    let count = 0;
    const cross = (first: number, second: number) =>
      db.transaction(async (tx) => {
        attempts++;
        await tx.query('UPDATE t SET n = n + 1 WHERE id = $1', [first]);
        if (++count === 2) bothLocked();
        await locked;
        await tx.query('UPDATE t SET n = n + 1 WHERE id = $1', [second]);
      });
    const outcomes = await Promise.allSettled([cross(1, 2), cross(2, 1)]);
    // The loser is retried; its retry can race back to its first row and deadlock once more, and is retried again.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect({
      outcomes: outcomes.map((o) => o.status),
      rows: await db.query('SELECT id, n FROM t ORDER BY id'),
    }).toEqual({
      outcomes: ['fulfilled', 'fulfilled'],
      rows: [
        { id: 1, n: 2 },
        { id: 2, n: 2 },
      ],
    });
  });

  it('reports the usage of the pool its DataSource runs on, and throws pg’s own error for a failed statement', async () => {
    let usageInside: ReturnType<Database['poolUsage']> | undefined;
    await db.transaction(async () => {
      usageInside = db.poolUsage();
    });
    expect(usageInside).toMatchObject({ max: 4, waiting: 0 });
    expect(usageInside!.total - usageInside!.idle).toBeGreaterThanOrEqual(1); // the transaction's connection
    await expect(db.query('INSERT INTO t VALUES (1, 0)')).rejects.toMatchObject({
      constructor: pg.DatabaseError,
      code: '23505',
      constraint: 't_pkey',
    });
    expect(await db.transaction((tx) => tx.execute('UPDATE t SET n = n WHERE id IN (1, 2)'))).toBe(2);
  });

  it('reads a runner TypeORM released after its connection failed as a lost connection, not a bug', () => {
    expect(isConnectionLost(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(new Error('something else'))).toBe(false);
  });
});
