import { describe, expect, it } from 'vitest';
import { ApiKeyCache } from './api-key-cache';

describe('ApiKeyCache', () => {
  const caller = { apiKeyId: 'k1', scopes: ['send' as const] };

  it('answers a key until its entry expires', () => {
    const cache = new ApiKeyCache(1000);
    cache.set('h1', caller, 0);
    expect(cache.get('h1', 999)).toEqual(caller);
    expect(cache.get('h1', 1000)).toBeUndefined();
    expect(cache.get('h2', 0)).toBeUndefined();
  });

  it('forgets a revoked key at once', () => {
    const cache = new ApiKeyCache(1000);
    cache.set('h1', caller, 0);
    cache.set('h2', { apiKeyId: 'k2', scopes: ['read'] }, 0);
    cache.forget('k1');
    expect(cache.get('h1', 1)).toBeUndefined();
    expect(cache.get('h2', 1)).toEqual({ apiKeyId: 'k2', scopes: ['read'] });
  });
});
