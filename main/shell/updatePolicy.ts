// When the desktop app may check for, download and install an update: pure rules, no Electron, no timers, so
// every rule is a unit test. The supervisor at the desk must never have PlantDesk restart under them: an update
// is installed only after an administrator chose to install that very version, and never while ERP posts are in
// flight (an install stops the agent; a post cut off mid-flight becomes an ambiguous one to read back).
// electron-updater is not wired yet (README "Not yet"); this decides, the caller acts.

export interface UpdateSituation {
  /** The running app's version, e.g. "0.1.0". */
  readonly currentVersion: string;
  /** What the last check found newer than currentVersion; null when nothing or not checked yet. */
  readonly available: { readonly version: string; readonly downloaded: boolean } | null;
  /** True while a check or a download is running. */
  readonly busy: boolean;
  /** When the last check finished (ms since epoch); null before the first. */
  readonly lastCheckAt: number | null;
  readonly checkEveryHours: number;
  /** ERP posts the agent has in flight; null when unknown (agent restarting or not answering): treated as "some". */
  readonly erpPostsInFlight: number | null;
  /** An administrator's "install now", for one version. */
  readonly approval: { readonly version: string; readonly by: string } | null;
  readonly now: number;
}

export type UpdateDecision =
  | { readonly action: 'check' }
  | { readonly action: 'download'; readonly version: string }
  | { readonly action: 'install'; readonly version: string; readonly approvedBy: string }
  /** Nothing to do now; `reason` is for the admin's screen, `retryInMs` says when to decide again. */
  | { readonly action: 'wait'; readonly reason: string; readonly retryInMs: number };

const HOUR_MS = 3_600_000;
/** How often to look again while an approved install waits for the ERP posts to settle. */
export const IN_FLIGHT_RETRY_MS = 5_000;

/** Compares x.y.z[-pre] versions; a prerelease sorts before its release. NaN parts compare as 0. */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = a.split('-', 2);
  const [coreB = '', preB] = b.split('-', 2);
  const partsA = coreA.split('.').map((part) => Number(part) || 0);
  const partsB = coreB.split('.').map((part) => Number(part) || 0);
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i += 1) {
    const diff = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}

export function decideUpdate(situation: Readonly<UpdateSituation>): UpdateDecision {
  const { available, approval, now } = situation;
  const nextCheckInMs = situation.lastCheckAt === null ? 0 : Math.max(0, situation.lastCheckAt + situation.checkEveryHours * HOUR_MS - now);
  if (situation.busy) return { action: 'wait', reason: 'checking or downloading', retryInMs: IN_FLIGHT_RETRY_MS };
  // A feed that offers an older or the same version (a rolled-back server, a replayed latest.yml) is no update.
  const newer = available !== null && compareVersions(available.version, situation.currentVersion) > 0 ? available : null;
  if (newer === null) {
    return nextCheckInMs === 0 ? { action: 'check' } : { action: 'wait', reason: 'up to date', retryInMs: nextCheckInMs };
  }
  if (!newer.downloaded) return { action: 'download', version: newer.version };
  if (approval === null) {
    return { action: 'wait', reason: `version ${newer.version} is downloaded; an administrator chooses when to install it`, retryInMs: nextCheckInMs || HOUR_MS };
  }
  if (approval.version !== newer.version) {
    return { action: 'wait', reason: `the approval was for ${approval.version}, but ${newer.version} is downloaded; approve ${newer.version} to install it`, retryInMs: nextCheckInMs || HOUR_MS };
  }
  if (situation.erpPostsInFlight === null) {
    return { action: 'wait', reason: 'the agent does not say whether ERP posts are in flight; installing once it does and none are', retryInMs: IN_FLIGHT_RETRY_MS };
  }
  if (situation.erpPostsInFlight > 0) {
    return { action: 'wait', reason: `${situation.erpPostsInFlight} ERP post(s) in flight; installing ${newer.version} once they are settled`, retryInMs: IN_FLIGHT_RETRY_MS };
  }
  return { action: 'install', version: newer.version, approvedBy: approval.by };
}
