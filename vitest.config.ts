import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    env: { TZ: 'Europe/London' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // A throwaway PostgreSQL server for the repository tests.
          globalSetup: ['test/support/globalSetup.ts'],
          // Test files share a worker's module cache (and its migrated PGlite snapshot): half the run
          // time. Tests must not leave global state behind; the few that touch process.env restore it.
          isolate: false,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          // Limits that only catch a hang: scripts/test-all.sh runs the unit tests beside other runs, so a
          // test that takes 10 s alone can take three times as long on a busy machine.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          // A migrated data directory the apps can start from (the e2e tests use no PostgreSQL server).
          globalSetup: ['test/e2e/support/globalSetup.ts'],
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          // Above startApp's start guard (test/e2e/support/server.ts), so a slow start says why.
          hookTimeout: 240_000,
          fileParallelism: false,
          // The files run one after another in one process, sharing its module cache and its Chromium
          // (test/e2e/support/browser.ts); each test still gets fresh browser contexts and each file its own app.
          isolate: false,
        },
      },
    ],
  },
})
