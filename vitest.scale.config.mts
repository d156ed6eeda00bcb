import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.mjs';

/**
 * `npm run test:scale`: Herald in many processes (test/scale/), one file at a time since each loads the machine on
 * its own; `npm test` leaves these out.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/scale/**/*.test.ts'],
    exclude: configDefaults.exclude,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
