import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { adminQuery, databaseUrl, dropDatabase } from './local-services';

/** A database of this test file's own, cloned from the migrated template. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const postgresUrl = inject('postgresUrl');
  const template = inject('templateDatabase');
  const name = `herald_t_${template.split('_').pop()}_${randomBytes(4).toString('hex')}`;
  // CREATE DATABASE ... TEMPLATE fails while another session is connected to the template; retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(postgresUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (error) {
      if (attempt > 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url: databaseUrl(postgresUrl, name), name, drop: () => dropDatabase(postgresUrl, name) };
}
