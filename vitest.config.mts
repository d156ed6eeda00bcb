import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const lib = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    alias: {
      '@herald/core': lib('./libs/core/src/index.ts'),
      '@herald/auth': lib('./libs/auth/src/index.ts'),
      '@herald/templates': lib('./libs/templates/src/index.ts'),
      '@herald/recipients': lib('./libs/recipients/src/index.ts'),
      '@herald/channels': lib('./libs/channels/src/index.ts'),
      '@herald/notifications': lib('./libs/notifications/src/index.ts'),
      '@herald/client': lib('./libs/client/src/index.ts'),
      '@herald/api': lib('./apps/api/src/index.ts'),
      '@herald/worker': lib('./apps/worker/src/index.ts'),
      '@herald/example-shop': lib('./apps/example-shop/src/index.ts'),
    },
  },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'fuzz/**/*.spec.ts', 'test/**/*.test.ts'],
    // The scale suite runs on its own: npm run test:scale (vitest.scale.config.mts).
    exclude: [...configDefaults.exclude, 'test/scale/**'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['reflect-metadata'],
    pool: 'forks',
    // .ci/run asks for a JSON report beside the console one, to print its "N passed, N failed" line.
    reporters: process.env.HERALD_TEST_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.HERALD_TEST_REPORT ? { json: process.env.HERALD_TEST_REPORT } : undefined,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
