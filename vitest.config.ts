import { defineConfig } from 'vitest/config';

/** The test files that need a Docker engine and the images built here (provisioned once, see below). */
const containerTests = [
  'harness/test/compose.test.ts',
  'harness/stack/test/containersStack.test.ts',
  'harness/stack/test/replicatedContainers.test.ts',
  'harness/stack/test/clusterContainers.test.ts',
  'harness/stack/test/dockerEngine.test.ts',
  'chaos/test/containerPartition.test.ts',
];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**'],
    // Tests start real Redis, PostgreSQL, Kafka and Toxiproxy; give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    // Each project's global setup provisions what its files need once, before they run in parallel,
    // and only when one of its files is selected: a run of local tests never starts a Docker engine.
    projects: [
      {
        extends: true,
        test: { name: 'local', include: ['**/test/**/*.test.ts'], exclude: ['**/node_modules/**', ...containerTests], globalSetup: ['harness/test/support/provisionTools.ts'] },
      },
      {
        extends: true,
        test: { name: 'containers', include: containerTests, globalSetup: ['harness/test/support/provisionContainers.ts'] },
      },
    ],
  },
});
