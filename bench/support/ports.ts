export { freePort } from '@herald/core';

/**
 * Resolves once an HTTP GET of `url` answers `status`; fails when `check` throws (the server died). The deadline
 * is for a server that hangs, not a slow one: on a machine loaded to 30 an api took over 120 s to start.
 */
export async function waitForHttp(url: string, check: () => void, status = 200, deadlineMs = 600_000): Promise<void> {
  const until = performance.now() + deadlineMs;
  for (;;) {
    check();
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === status) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > until) throw new Error(`${url} did not answer ${status} within ${deadlineMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
