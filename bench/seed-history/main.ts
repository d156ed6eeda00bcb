import { parseSeedOptions, USAGE } from './options';
import { seedHistory, SeedOptions } from './seed-history';

/** `npm run seed:history -- N`: made-up history at DATABASE_URL (README, "A large history"). */
async function main(): Promise<void> {
  let options: Omit<SeedOptions, 'progress'>;
  try {
    options = parseSeedOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${USAGE}\n`);
    process.exit(2);
  }
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
  await seedHistory({
    ...options,
    progress: (done, total) => process.stdout.write(`${done}/${total} notifications, ${seconds()} s\n`),
  });
  process.stdout.write(`seeded ${options.total} notifications in ${seconds()} s\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`seed:history failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
