// Bench "crash": the crash harness (bench/support/crashHarness.ts) with 1,000 SIGKILLs of the agent while it
// ingests from mosquitto and posts to the ERP simulator. BENCH_CRASH_ITERATIONS overrides the count. Baseline of
// the recovery time, same run: plain starts of the same agent on the same file after a clean stop (SIGTERM).
import { runCrashHarness } from './support/crashHarness.js';

const ITERATIONS = Number(process.env.BENCH_CRASH_ITERATIONS ?? 1000);
/** Tuning for experiments: BENCH_CRASH_RATE (confirmations/s, default 40), BENCH_CRASH_KILL_MS "min,max" (default 0,400). */
const RATE = process.env.BENCH_CRASH_RATE ? Number(process.env.BENCH_CRASH_RATE) : undefined;
const KILL_MS = process.env.BENCH_CRASH_KILL_MS?.split(',').map(Number) as [number, number] | undefined;

const report = await runCrashHarness({
  iterations: ITERATIONS, ...(RATE ? { publishPerS: RATE } : {}), ...(KILL_MS ? { killDelayMs: KILL_MS } : {}), cleanStarts: 5, onProgress: (line) => console.error(line) });
if (report.problems.length > 0) console.error(report.problems.join('\n'));
console.log(JSON.stringify({
  bench: 'crash', iterations: report.iterations, lost: report.lost, duplicates: report.duplicates, erp_duplicates: report.erp_duplicates,
  integrity_failures: report.integrity_failures, recovery_ms_median: report.recovery_ms_median,
  clean_start_ms_median: report.clean_start_ms_median,
  acked: report.acked, erp_posted: report.erp_posted, erp_unposted: report.erp_unposted, integrity_checks: report.integrity_checks,
  kills_during_intake: report.kills_during_intake, redelivered_already_stored: report.redelivered_already_stored, kills_during_send: report.kills_during_send, kills_after_erp_received: report.kills_after_erp_received,
  recovery_ms_mean: report.recovery_ms_mean, recovery_ms_max: report.recovery_ms_max, seconds: report.seconds,
}));
