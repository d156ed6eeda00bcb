import { inject } from 'vitest';

export interface QueueBackendCase {
  name: string;
  env: Record<string, string | undefined>;
  /** No Redis answers: the tests on this backend are skipped (loudly, see global-setup.ts). */
  skip: boolean;
}

/**
 * The two queue backends a test runs on: Redis (skipped, loudly, when no Redis
 * answers) and BullMQ's PostgreSQL backend. Use with `describe.each`, and pass
 * the backend to `useHerald({ backend })`.
 */
export function queueBackends(): QueueBackendCase[] {
  const redisUrl = inject('redisUrl');
  return [
    { name: 'Redis', env: { REDIS_URL: redisUrl ?? undefined }, skip: !redisUrl },
    { name: 'PostgreSQL', env: {}, skip: false },
  ];
}
