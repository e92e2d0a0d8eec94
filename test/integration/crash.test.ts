// Promise 1 under random SIGKILLs (RELIABILITY.md, issue 4): 200 kills of the agent while it ingests from
// mosquitto and posts to the ERP simulator; every acknowledged message stored exactly once, no confirmation
// posted twice, the file sound after every 10th kill and at the end. CRASH_ITERATIONS overrides the count.
import { describe, expect, it } from 'vitest';
import { runCrashHarness } from '../helpers/crashHarness.js';

const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 200);

describe('agent killed with SIGKILL at random moments, 200 times', () => {
  it('loses nothing acknowledged, stores and posts nothing twice, keeps the file sound', async () => {
    const report = await runCrashHarness({ iterations: ITERATIONS, onProgress: (line) => console.log(line) });
    console.log(JSON.stringify({ ...report, problems: undefined }));
    expect(report.problems).toEqual([]);
    expect(report.iterations).toBe(ITERATIONS);
    expect(report.lost).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(report.erp_duplicates).toBe(0);
    expect(report.erp_unposted).toBe(0);
    expect(report.integrity_failures).toBe(0);
    expect(report.integrity_checks).toBeGreaterThanOrEqual(Math.floor(ITERATIONS / 10) + 1);
    expect(report.clean_exit).toBe(true);
    // The kills really landed in the intake and in the ERP post (coverage, not luck).
    expect(report.kills_during_intake).toBeGreaterThan(0);
    expect(report.kills_during_send).toBeGreaterThan(0);
  }, 360_000);
});
