// Three tiers (STYLE.md 6): unit (fast, temp files only), integration (real broker, OPC UA server, SQLite,
// ERP simulator over HTTP) and e2e (Playwright against `plantdesk console`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests start servers on free ports; running files one at a time keeps 2 cores calm.
          fileParallelism: false,
        },
      },
      {
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
      },
    ],
  },
});
