import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity from a raw row (the RETURNING of an INSERT or UPDATE, which TypeORM hands back by column name),
 * each value converted as TypeORM converts the values it loads.
 */
export function hydrate<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
  row: Record<string, unknown>,
): E {
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as E;
  for (const column of metadata.columns)
    if (column.databaseName in row)
      (entity as Record<string, unknown>)[column.propertyName] = manager.connection.driver.prepareHydratedValue(
        row[column.databaseName],
        column,
      );
  return entity;
}
