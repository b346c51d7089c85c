import { UnitsRepository, type Database } from '#persistence';

/**
 * The codes of the units a list may show: those within the reader's scope and the filter's unit (a unit's
 * subtree includes the unit); null when neither restricts. An unknown unit covers no unit. Lists filter with
 * `unit_code = ANY(codes)`, so the planner sees real values: an index for a grid, the page-order walk for a
 * street or a district.
 */
export async function listableUnitCodes(
  db: Database,
  unitCode: string | undefined,
  scope: string | null,
): Promise<string[] | null> {
  if (!unitCode && scope === null) return null;
  return new UnitsRepository(db).codesWithin(scope, unitCode ?? null);
}
