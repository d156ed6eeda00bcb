import { describe, expect, it } from 'vitest';
import { GroupRunner, ItemResult } from './group-runner';

const ok = <R>(value: R): ItemResult<R> => ({ ok: true, value });

describe('GroupRunner', () => {
  it('runs a caller alone as a group of one, and callers arriving meanwhile as the next group', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runner = new GroupRunner<number, number>(async (items) => {
      groups.push(items);
      if (groups.length === 1) await gate;
      return items.map((item) => ok(item * 2));
    });
    const first = runner.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [runner.submit(2), runner.submit(3), runner.submit(4)];
    release();
    expect(await first).toBe(2);
    expect(await Promise.all(later)).toEqual([4, 6, 8]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('refuses only the item the work refused, and every item of a group whose work threw', async () => {
    // Throws before any await: the runner must still answer every caller of the group.
    const runner = new GroupRunner<number, number>((items) => {
      if (items.includes(0)) throw new Error('down');
      return Promise.resolve(
        items.map((item) => (item < 0 ? { ok: false as const, error: new Error(`bad ${item}`) } : ok(item))),
      );
    });
    const results = await Promise.allSettled([runner.submit(1), runner.submit(-1), runner.submit(2)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      'bad -1',
      2,
    ]);
    const thrown = await Promise.allSettled([runner.submit(0), runner.submit(5)]);
    expect(thrown.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['down', 'down']);
  });

  it('caps the items of a group and the groups in flight', async () => {
    const sizes: number[] = [];
    let inFlight = 0;
    let most = 0;
    const runner = new GroupRunner<number, number>(
      async (items) => {
        sizes.push(items.length);
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return items.map(ok);
      },
      2,
      3,
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => runner.submit(i)));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(most).toBe(2);
  });
});
