// The crash harness for tests. It lives in bench/support/crashHarness.ts because `npm run bench -- crash` runs it
// too, and the bench build (tsconfig.bench.json) compiles bench/ only.
export { runCrashHarness, type CrashHarnessOptions, type CrashReport } from '../../bench/support/crashHarness.js';
