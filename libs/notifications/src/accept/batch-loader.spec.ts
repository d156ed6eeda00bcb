import { describe, expect, it } from 'vitest';
import { batchLoader } from './batch-loader';

describe('batchLoader', () => {
  it('answers the lookups of one turn with one fetch, each key fetched once', async () => {
    const fetches: string[][] = [];
    const load = batchLoader((keys) => {
      fetches.push(keys);
      return Promise.resolve(new Map(keys.filter((key) => key !== 'missing').map((key) => [key, key.toUpperCase()])));
    });
    const answers = await Promise.all(['a', 'b', 'a', 'missing'].map(load));
    expect(answers).toEqual(['A', 'B', 'A', undefined]);
    expect(fetches).toEqual([['a', 'b', 'missing']]);
    expect(await load('c')).toBe('C');
    expect(fetches).toEqual([['a', 'b', 'missing'], ['c']]);
  });

  it('rejects every lookup of a failed fetch', async () => {
    const load = batchLoader<string>(() => Promise.reject(new Error('down')));
    const results = await Promise.allSettled([load('a'), load('b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
