import { defineConfig } from 'vitest/config';

// Integration tests share one Docker engine on a small machine: run test files one at a time
// and give engine-backed tests room; nothing here is a performance assertion.
export default defineConfig({
  test: {
    include: ['server/src/**/*.test.ts', 'test/**/*.test.ts'],
    fileParallelism: false,
    // Scenario proofs run concurrently inside their file; more would starve a 2-core machine.
    maxConcurrency: Number(process.env.FAULTLINE_PROOF_CONCURRENCY ?? 3),
    testTimeout: 120_000,
    // expect.poll waits for a page or the engine to catch up; its 1 s default is a wall-clock
    // threshold in disguise on a loaded 2-core machine.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 300_000,
    globalSetup: ['test/global-setup.ts'],
    // The lifecycle test measures heap growth after a forced collection.
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    reporters: ['default'],
  },
});
