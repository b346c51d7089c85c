/** A page of a list (docs/api.md, "Lists and cursors"): `items`, and the cursor of the next page when there is one. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says that another page exists, and the next
 * page starts after the last item shown.
 */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, cursorOf: (last: T) => string): Page<T> {
  const items = rows.slice(0, limit).map(map);
  return { items, nextCursor: rows.length > limit && items.length ? cursorOf(items[items.length - 1]!) : null };
}
