// The update policy's rules: check at start and every N hours, download in the background, install only what an
// administrator approved, never while ERP posts are in flight or their count is unknown, never a downgrade.
import { describe, expect, it } from 'vitest';
import { IN_FLIGHT_RETRY_MS, compareVersions, decideUpdate, type UpdateSituation } from '../../../main/shell/updatePolicy.js';

const HOUR = 3_600_000;
const base: UpdateSituation = {
  currentVersion: '1.2.0',
  available: null,
  busy: false,
  lastCheckAt: null,
  checkEveryHours: 6,
  erpPostsInFlight: 0,
  approval: null,
  now: 10 * HOUR,
};
const ready = { ...base, lastCheckAt: 10 * HOUR, available: { version: '1.3.0', downloaded: true } };

describe('decideUpdate', () => {
  it('checks at start, then every N hours', () => {
    expect(decideUpdate(base)).toEqual({ action: 'check' });
    expect(decideUpdate({ ...base, lastCheckAt: 9 * HOUR })).toEqual({ action: 'wait', reason: 'up to date', retryInMs: 5 * HOUR });
    expect(decideUpdate({ ...base, lastCheckAt: 4 * HOUR })).toEqual({ action: 'check' });
    expect(decideUpdate({ ...base, busy: true })).toMatchObject({ action: 'wait', reason: 'checking or downloading' });
  });

  it('downloads a newer version in the background without asking', () => {
    expect(decideUpdate({ ...base, lastCheckAt: base.now, available: { version: '1.3.0', downloaded: false } })).toEqual({ action: 'download', version: '1.3.0' });
  });

  it('ignores a feed offering the same or an older version', () => {
    for (const version of ['1.2.0', '1.1.9', '1.2.0-rc.1']) {
      expect(decideUpdate({ ...ready, available: { version, downloaded: true }, approval: { version, by: 'it-admin' } })).toMatchObject({ action: 'wait', reason: 'up to date' });
    }
  });

  it('waits for an administrator to approve exactly the downloaded version', () => {
    expect(decideUpdate(ready)).toMatchObject({ action: 'wait', reason: 'version 1.3.0 is downloaded; an administrator chooses when to install it' });
    expect(decideUpdate({ ...ready, approval: { version: '1.2.5', by: 'it-admin' } })).toMatchObject({
      action: 'wait',
      reason: 'the approval was for 1.2.5, but 1.3.0 is downloaded; approve 1.3.0 to install it',
    });
  });

  it('never installs while ERP posts are in flight or their count is unknown', () => {
    const approved = { ...ready, approval: { version: '1.3.0', by: 'it-admin' } };
    expect(decideUpdate({ ...approved, erpPostsInFlight: 2 })).toEqual({
      action: 'wait',
      reason: '2 ERP post(s) in flight; installing 1.3.0 once they are settled',
      retryInMs: IN_FLIGHT_RETRY_MS,
    });
    expect(decideUpdate({ ...approved, erpPostsInFlight: null })).toMatchObject({ action: 'wait', retryInMs: IN_FLIGHT_RETRY_MS });
    expect(decideUpdate({ ...approved, erpPostsInFlight: 0 })).toEqual({ action: 'install', version: '1.3.0', approvedBy: 'it-admin' });
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.10.0', '1.9.9', 1],
    ['2.0.0', '10.0.0', -1],
    ['1.2.0', '1.2.0', 0],
    ['1.2.0-rc.1', '1.2.0', -1],
    ['1.2.0-rc.2', '1.2.0-rc.1', 1],
  ])('%s vs %s -> %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});
