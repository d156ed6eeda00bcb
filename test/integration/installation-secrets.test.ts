import { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataSourceOptions } from '@herald/core';
import { useHerald } from '../support/herald-harness';
import { InstallationSecretRepository } from '../../libs/recipients/src/unsubscribe/installation-secret.repository';

/** Processes starting together on a new installation, each with its own connection pool, agree on one secret. */
const database = useHerald({ app: false });
const dataSources: DataSource[] = [];

beforeAll(async () => {
  for (let i = 0; i < 3; i++) dataSources.push(await new DataSource(dataSourceOptions(database.db.url)).initialize());
});

afterAll(async () => {
  await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
});

it('stores the first secret generated and answers it to every process, whatever each generated', async () => {
  const repositories = dataSources.map((dataSource) => new InstallationSecretRepository(dataSource));
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) => repositories[i % 3].findOrCreate('race', `generated-${i}`)),
  );
  expect(new Set(answers).size).toBe(1);
  expect(answers[0]).toMatch(/^generated-\d+$/);
  expect(await repositories[0].findOrCreate('race', 'later')).toBe(answers[0]);
  const rows = await database.pg.query(`SELECT value FROM installation_secrets WHERE name = 'race'`);
  expect(rows.rows).toEqual([{ value: answers[0] }]);
});
