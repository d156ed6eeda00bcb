import type { Scenario } from './scenario';

/** How long a restarted server stays down: long enough for every process to notice. */
const OUTAGE_MS = 3_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The faults `npm run test:faults` strikes, one scenario each (README, "Guarantees"). */
export const SCENARIOS: Scenario[] = [
  {
    name: 'worker-sigkill',
    async fault({ installation }) {
      const [worker] = installation.workers;
      worker.process.kill('SIGKILL');
      await worker.exited;
    },
  },
  {
    name: 'redis-flushdb',
    async fault({ redis }) {
      await redis.flush();
    },
  },
  {
    name: 'redis-restart',
    async fault({ redis }) {
      await redis.stop();
      await pause(OUTAGE_MS);
      await redis.start();
    },
  },
  {
    name: 'postgres-restart',
    ownPostgres: true,
    async fault({ postgres }) {
      postgres!.stop();
      await pause(OUTAGE_MS);
      postgres!.resume();
    },
  },
  {
    name: 'receiver-503',
    before({ receiver }) {
      receiver.refuseHalf = true;
    },
  },
  {
    name: 'worker-sigterm',
    async fault({ installation }) {
      const [worker] = installation.workers;
      worker.process.kill('SIGTERM');
      await worker.exited;
    },
  },
];
