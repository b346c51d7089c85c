import type { DataSource } from 'typeorm';
import { createTestDatabase } from '#testing';
import { createDataSource } from '../src/data-source.js';
import { entities } from '../src/entities/index.js';

/** TypeORM's own table (which migrations ran), made by its migration runner rather than by a migration. */
const NOT_MAPPED = new Set(['migrations']);

/**
 * The entities describe the schema the migrations make; they never make it. Against a database built by the
 * migrations, TypeORM must find nothing to change, and each entity's columns, types, nullability and indexes must
 * be those PostgreSQL reports. Each mismatch is named by table and column (or index), so a failure says which
 * entity or migration to fix.
 */
describe('entities and migrations agree (real PostgreSQL)', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    dataSource = await createDataSource({ url: database.url, poolSize: 2 }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await drop();
  });

  it('leaves TypeORM nothing to change: the schema diff of the entities is empty', async () => {
    const diff = await dataSource.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('maps every table of the migrated database, and each entity to a table', async () => {
    const tables = await dataSource.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const inDatabase = tables.map((t) => t.table_name).filter((name) => !NOT_MAPPED.has(name));
    const mapped = dataSource.entityMetadatas.map((m) => m.tableName);
    expect(entities).toHaveLength(mapped.length);
    expect({ tablesWithoutEntity: inDatabase.filter((t) => !mapped.includes(t)).sort() }).toEqual({
      tablesWithoutEntity: [],
    });
    expect({ entitiesWithoutTable: mapped.filter((t) => !inDatabase.includes(t)).sort() }).toEqual({
      entitiesWithoutTable: [],
    });
  });

  it('declares each column with the type and nullability PostgreSQL reports, and no column is left out', async () => {
    const rows = await dataSource.query<{ table_name: string; column_name: string; type: string; nullable: boolean }[]>(
      `SELECT table_name, column_name, is_nullable = 'YES' AS nullable,
              CASE WHEN data_type = 'ARRAY' THEN format_type(substr(udt_name, 2)::regtype, NULL) || '[]'
                   ELSE data_type END AS type
         FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const mismatches: string[] = [];
    for (const metadata of dataSource.entityMetadatas) {
      const actual = new Map(rows.filter((r) => r.table_name === metadata.tableName).map((r) => [r.column_name, r]));
      for (const column of metadata.columns) {
        const where = `${metadata.tableName}.${column.databaseName}`;
        const row = actual.get(column.databaseName);
        if (!row) {
          mismatches.push(`${where}: in ${metadata.name}, not in the database`);
          continue;
        }
        actual.delete(column.databaseName);
        const type = dataSource.driver.normalizeType(column) + (column.isArray ? '[]' : '');
        if (type !== row.type) mismatches.push(`${where}: ${metadata.name} says ${type}, the database ${row.type}`);
        if (column.isNullable !== row.nullable)
          mismatches.push(
            `${where}: ${metadata.name} says ${column.isNullable ? 'nullable' : 'NOT NULL'}, the database ${row.nullable ? 'nullable' : 'NOT NULL'}`,
          );
      }
      for (const name of actual.keys())
        mismatches.push(`${metadata.tableName}.${name}: in the database, not in ${metadata.name}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('declares each index PostgreSQL has, on the same columns, as unique and as partial as it is', async () => {
    const rows = await dataSource.query<
      { table_name: string; index_name: string; columns: string[]; unique: boolean; partial: boolean }[]
    >(
      `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS unique,
              ix.indpred IS NOT NULL AS partial,
              array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
                     ORDER BY k.ord) AS columns
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public'
          AND NOT ix.indisprimary
          -- an index that backs a UNIQUE constraint is the constraint's, declared with @Unique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype = 'u')`,
    );
    const names = await dataSource.query<{ tablename: string; indexname: string }[]>(
      `SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'`,
    );
    const uniques = await dataSource.query<{ table_name: string; name: string; columns: string[] }[]>(
      `SELECT t.relname AS table_name, c.conname AS name,
              array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                     ORDER BY k.ord) AS columns
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND c.contype = 'u'`,
    );
    const mismatches: string[] = [];
    for (const metadata of dataSource.entityMetadatas) {
      const table = metadata.tableName;
      const actual = new Map(rows.filter((r) => r.table_name === table).map((r) => [r.index_name, r]));
      for (const index of metadata.indices) {
        const where = `${table} index ${index.name}`;
        const row = actual.get(index.name);
        if (!row) {
          // Declared only by name (an operator class or expression TypeORM cannot express): it must exist.
          if (!names.some((n) => n.tablename === table && n.indexname === index.name))
            mismatches.push(`${where}: in ${metadata.name}, not in the database`);
          continue;
        }
        actual.delete(index.name);
        if (index.synchronize === false) continue;
        const columns = index.columns.map((c) => c.databaseName);
        if (columns.join(',') !== row.columns.join(','))
          mismatches.push(`${where}: ${metadata.name} says (${columns}), the database (${row.columns})`);
        if (index.isUnique !== row.unique) mismatches.push(`${where}: unique in one and not the other`);
        if (Boolean(index.where) !== row.partial) mismatches.push(`${where}: partial in one and not the other`);
      }
      for (const name of actual.keys())
        mismatches.push(`${table} index ${name}: in the database, not in ${metadata.name}`);

      const constraints = new Map(uniques.filter((u) => u.table_name === table).map((u) => [u.name, u]));
      for (const unique of metadata.uniques) {
        const row = constraints.get(unique.name);
        const columns = unique.columns.map((c) => c.databaseName);
        if (!row) mismatches.push(`${table} unique ${unique.name}: in ${metadata.name}, not in the database`);
        else if (columns.join(',') !== row.columns.join(','))
          mismatches.push(
            `${table} unique ${unique.name}: ${metadata.name} says (${columns}), the database (${row.columns})`,
          );
        constraints.delete(unique.name);
      }
      for (const name of constraints.keys())
        mismatches.push(`${table} unique ${name}: in the database, not in ${metadata.name}`);
    }
    expect(mismatches).toEqual([]);
  });
});
