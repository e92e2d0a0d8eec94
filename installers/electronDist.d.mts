// Types for electronDist.mjs (plain ESM so dist.mjs runs without a build), for the tests that import it.
export type ElectronDist = { readonly ok: true; readonly electronDist: string } | { readonly ok: false; readonly reason: string };
export function electronZipName(version: string, platform: string, arch: string): string;
export function electronCacheDir(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, home?: string): string;
export function findElectronDist(options: {
  readonly version: string;
  readonly platform: NodeJS.Platform;
  readonly arch?: string;
  readonly projectDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly hostPlatform?: NodeJS.Platform;
  readonly home?: string;
}): ElectronDist;
