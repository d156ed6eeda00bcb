import { describe, expect, it } from 'vitest';
import { chunkSizes } from './delivery-queue';

describe('chunkSizes', () => {
  it('sends a group no larger than the worker concurrency as single jobs', () => {
    expect(chunkSizes(3, 50)).toEqual([1, 1, 1]);
    expect(chunkSizes(50, 50)).toEqual(Array.from({ length: 50 }, () => 1));
  });

  it('splits a larger group into about one chunk per worker slot, at most 100 deliveries each', () => {
    expect(chunkSizes(30, 4)).toEqual([8, 8, 8, 6]);
    expect(chunkSizes(1000, 50)).toEqual(Array.from({ length: 50 }, () => 20));
    expect(chunkSizes(1000, 1)).toEqual(Array.from({ length: 10 }, () => 100));
    expect(chunkSizes(0, 50)).toEqual([]);
  });
});
