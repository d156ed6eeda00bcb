import type { ApiCaller } from './auth.types';

/**
 * How long another instance may still accept a key revoked elsewhere. The
 * instance that revokes forgets the key at once; the others hold no shared
 * state with it, so their copy simply expires.
 */
export const API_KEY_CACHE_TTL_MS = 1_000;
/** Entries kept at most: past it the cache starts over (a flood of keys costs lookups, not memory). */
const MAX_ENTRIES = 10_000;

/** Known keys by their hash, for a second: most requests skip the key lookup. Unknown keys are not kept. */
export class ApiKeyCache {
  private readonly entries = new Map<string, { caller: ApiCaller; until: number }>();

  constructor(private readonly ttlMs = API_KEY_CACHE_TTL_MS) {}

  get(hash: string, now = Date.now()): ApiCaller | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.until > now) return entry.caller;
    this.entries.delete(hash);
    return undefined;
  }

  set(hash: string, caller: ApiCaller, now = Date.now()): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hash, { caller, until: now + this.ttlMs });
  }

  /** Forgets every entry of this key id (a revocation on this instance). */
  forget(apiKeyId: string): void {
    for (const [hash, entry] of this.entries) if (entry.caller.apiKeyId === apiKeyId) this.entries.delete(hash);
  }
}
