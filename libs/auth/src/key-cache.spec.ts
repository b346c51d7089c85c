import { KeyCache } from './key-cache.js';
import { type Principal } from '#domain';

const principal = (id: string): Principal => ({
  id,
  name: id,
  role: 'intake',
  unitCode: null,
  scope: null,
  departmentCode: null,
});

describe('KeyCache', () => {
  it('holds nothing until the listener listens, and nothing again once it stops', () => {
    const cache = new KeyCache();
    cache.set('h1', principal('k1'), 10_000, null, cache.epoch);
    expect(cache.get('h1', 0)).toBeUndefined();
    cache.enable();
    cache.set('h1', principal('k1'), 10_000, null, cache.epoch);
    expect(cache.get('h1', 0)?.principal.id).toBe('k1');
    cache.disable();
    expect(cache.get('h1', 0)).toBeUndefined();
    expect(cache.holds('k1')).toBe(false);
  });

  it('drops every entry of a key by its id, and is used only until the entry’s end', () => {
    const cache = new KeyCache();
    cache.enable();
    cache.set('h1', principal('k1'), 10_000, null, cache.epoch);
    cache.set('h2', principal('k2'), 10_000, null, cache.epoch);
    expect(cache.get('h2', 9_999)?.principal.id).toBe('k2');
    expect(cache.get('h2', 10_000)).toBeUndefined();
    expect(cache.holds('k2')).toBe(false);
    cache.drop('k1');
    expect(cache.get('h1', 0)).toBeUndefined();
  });

  it('does not cache an answer read before a drop or a reconnection that happened while it was read', () => {
    const cache = new KeyCache();
    cache.enable();
    const beforeDrop = cache.epoch;
    cache.drop('k1'); // the revocation's notification arrives while the key is being read from PostgreSQL
    cache.set('h1', principal('k1'), 10_000, null, beforeDrop);
    expect(cache.get('h1', 0)).toBeUndefined();

    cache.disable();
    const whileDown = cache.epoch; // read while nobody listened: a revocation may have been missed
    cache.enable();
    cache.set('h1', principal('k1'), 10_000, null, whileDown);
    expect(cache.get('h1', 0)).toBeUndefined();
    cache.set('h1', principal('k1'), 10_000, null, cache.epoch);
    expect(cache.get('h1', 0)?.principal.id).toBe('k1');
  });
});
