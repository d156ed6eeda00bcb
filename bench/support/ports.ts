import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now, for a child that takes its port from its environment. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once an HTTP GET of `url` answers `status`; fails when `check` throws (the server died). */
export async function waitForHttp(url: string, check: () => void, status = 200, deadlineMs = 120_000): Promise<void> {
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
