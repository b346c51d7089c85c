import { type Principal } from '#domain';

/** How long an authenticated key is trusted without asking PostgreSQL again, at most. */
export const KEY_CACHE_MS = 10_000;
const KEY_CACHE_MAX = 10_000;

interface Entry {
  principal: Principal;
  /** Epoch ms (by the injected clock) until which the entry may be used: never past the key's expiry. */
  until: number;
  /** When this process last recorded the key's use (epoch ms), or null if it never did. */
  usedAt: number | null;
}

/**
 * Authenticated keys by hash, so a busy integration does not cost a query per request. It is used only while
 * the revocation listener is listening (`enable`): otherwise a notification could be missed, so it is empty and
 * every request asks PostgreSQL. A notification about a key drops that key's entries.
 */
export class KeyCache {
  private readonly byHash = new Map<string, Entry>();
  private readonly hashesById = new Map<string, Set<string>>();
  private enabled = false;
  private generation = 0;

  get active(): boolean {
    return this.enabled;
  }

  /**
   * Moves on with every drop. A reader takes it before asking PostgreSQL and hands it back to `set`: an answer
   * read before a revocation committed, arriving after its notification, is then not cached.
   */
  get epoch(): number {
    return this.generation;
  }

  get(hash: string, now: number): Entry | undefined {
    if (!this.enabled) return undefined;
    const entry = this.byHash.get(hash);
    if (entry && entry.until > now) return entry;
    if (entry) this.remove(hash, entry.principal.id);
    return undefined;
  }

  set(hash: string, principal: Principal, until: number, usedAt: number | null, epoch: number): void {
    if (!this.enabled || epoch !== this.generation) return;
    if (this.byHash.size >= KEY_CACHE_MAX) this.clear();
    this.byHash.set(hash, { principal, until, usedAt });
    const hashes = this.hashesById.get(principal.id) ?? new Set<string>();
    hashes.add(hash);
    this.hashesById.set(principal.id, hashes);
  }

  /** Whether the key with this id has an entry (for tests and diagnostics). */
  holds(keyId: string): boolean {
    return this.hashesById.has(keyId);
  }

  /** Drops every entry of the key with this id. */
  drop(keyId: string): void {
    this.generation++;
    for (const hash of this.hashesById.get(keyId) ?? []) this.byHash.delete(hash);
    this.hashesById.delete(keyId);
  }

  /** Starts using the cache (the listener is listening). */
  enable(): void {
    this.clear();
    this.generation++;
    this.enabled = true;
  }

  /** Empties the cache and stops using it (the listener is not listening). */
  disable(): void {
    this.enabled = false;
    this.generation++;
    this.clear();
  }

  private clear(): void {
    this.byHash.clear();
    this.hashesById.clear();
  }

  private remove(hash: string, keyId: string): void {
    this.byHash.delete(hash);
    const hashes = this.hashesById.get(keyId);
    hashes?.delete(hash);
    if (hashes?.size === 0) this.hashesById.delete(keyId);
  }
}
