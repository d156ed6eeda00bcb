/** Polls `check` until it holds or the time is up (then throws, naming what it waited for); a throw counts as no. */
export async function until(
  check: () => Promise<boolean> | boolean,
  { timeoutMs = 30_000, intervalMs = 100, what = 'a condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const holds = await Promise.resolve()
      .then(check)
      .catch(() => false);
    if (holds) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
