import { inject } from 'vitest';

/**
 * The two queue backends a test runs on: Redis (skipped, loudly, when no Redis
 * answers) and BullMQ's PostgreSQL backend. Use with `describe.each`.
 */
export function queueBackends(): { name: string; env: Record<string, string | undefined>; skip: boolean }[] {
  const redisUrl = inject('redisUrl');
  return [
    { name: 'Redis', env: { REDIS_URL: redisUrl ?? undefined }, skip: !redisUrl },
    { name: 'PostgreSQL', env: {}, skip: false },
  ];
}
