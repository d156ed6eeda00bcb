import { parseArgs } from 'node:util';
import type { SeedOptions } from './seed-history';

export const USAGE = `DATABASE_URL=... npm run seed:history -- N [--days 28] [--recipients 10000] [--jobs 3] [--chunk 20000] [--no-vacuum]
  N              notifications to load (1 to 3 deliveries each, with their attempts)
  --days D       spread over the last D days (default 28)
  --recipients R stored recipients seed-0 to seed-<R-1> (default 10000)
  --jobs J       connections writing in parallel (default 3)
  --chunk C      notifications per statement (default 20000)
  --no-vacuum    ANALYZE the tables at the end instead of VACUUM (ANALYZE)`;

function positive(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, not ${text}`);
  return value;
}

/** The options of `npm run seed:history -- ...`; throws with what is wrong. */
export function parseSeedOptions(argv: string[], env: NodeJS.ProcessEnv): Omit<SeedOptions, 'progress'> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      days: { type: 'string', default: '28' },
      recipients: { type: 'string', default: '10000' },
      jobs: { type: 'string', default: '3' },
      chunk: { type: 'string', default: '20000' },
      'no-vacuum': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new Error('say how many notifications');
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  return {
    databaseUrl,
    total: positive(positionals[0], 'N'),
    days: positive(values.days, '--days'),
    recipients: positive(values.recipients, '--recipients'),
    jobs: positive(values.jobs, '--jobs'),
    chunk: positive(values.chunk, '--chunk'),
    vacuum: !values['no-vacuum'],
  };
}
