export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Monotonic milliseconds, the clock every figure of the bench uses. */
export const now = () => performance.now();

/**
 * Polls `progress` until `done` answers true. Fails when the progress value has not moved for `stallMs` (a lost
 * message or a stuck process, never a slow one), or when `check` throws (a crashed process).
 */
export async function waitForProgress(
  what: string,
  progress: () => Promise<number> | number,
  done: (value: number) => boolean,
  options: { stallMs?: number; intervalMs?: number; check?: () => void } = {},
): Promise<void> {
  const { stallMs = 60_000, intervalMs = 50, check } = options;
  let last = -1;
  let movedAt = now();
  for (;;) {
    check?.();
    const value = await progress();
    if (done(value)) return;
    if (value !== last) {
      last = value;
      movedAt = now();
    } else if (now() - movedAt > stallMs) {
      throw new Error(`${what}: no progress for ${stallMs / 1000} s (stuck at ${value})`);
    }
    await sleep(intervalMs);
  }
}
