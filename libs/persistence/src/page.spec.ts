import { toPage } from './page.js';

describe('toPage', () => {
  const rows = [{ n: 1 }, { n: 2 }, { n: 3 }];
  const map = (r: { n: number }) => ({ id: `item-${r.n}` });

  it('shows `limit` items and points the next page after the last one when a row was left over', () => {
    expect(toPage(rows, 2, map, (last) => last.id)).toEqual({
      items: [{ id: 'item-1' }, { id: 'item-2' }],
      nextCursor: 'item-2',
    });
  });

  it('has no next page when nothing was left over', () => {
    expect(toPage(rows, 3, map, (last) => last.id)).toEqual({ items: rows.map(map), nextCursor: null });
    expect(toPage([], 3, map, (last) => last.id)).toEqual({ items: [], nextCursor: null });
  });
});
