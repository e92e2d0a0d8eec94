// Checks an update artifact against its feed (electron-builder's latest.yml): the file must be listed, have the
// listed size and the listed sha512. electron-updater does this itself for what it downloads (ERR_CHECKSUM_MISMATCH);
// this is the same check for an update brought on a USB stick (the offline update of issue 8), and what the
// update-feed test pins. Windows' Authenticode publisher check is not done here (README "Not yet").
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse } from 'yaml';

export interface UpdateFileInfo {
  readonly url: string;
  /** base64 of the file's SHA-512, as electron-builder writes it. */
  readonly sha512: string;
  readonly size?: number;
}

export interface UpdateInfo {
  readonly version: string;
  readonly files: readonly UpdateFileInfo[];
}

export class UpdateVerificationError extends Error {
  override name = 'UpdateVerificationError';
  constructor(readonly code: 'ERR_UPDATE_FEED' | 'ERR_NOT_IN_FEED' | 'ERR_SIZE_MISMATCH' | 'ERR_CHECKSUM_MISMATCH', message: string) {
    super(`${code}: ${message}`);
  }
}

const SHA512_BASE64 = /^[A-Za-z0-9+/]{86}==$/;

/** Reads latest.yml (or latest-linux.yml); `source` names it in errors. */
export function parseUpdateInfo(text: string, source: string): UpdateInfo {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new UpdateVerificationError('ERR_UPDATE_FEED', `${source}: not YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const feed = raw as { version?: unknown; files?: unknown } | null;
  if (typeof feed?.version !== 'string' || feed.version.length === 0) throw new UpdateVerificationError('ERR_UPDATE_FEED', `${source}: version is missing`);
  if (!Array.isArray(feed.files) || feed.files.length === 0) throw new UpdateVerificationError('ERR_UPDATE_FEED', `${source}: files is missing or empty`);
  const files = feed.files.map((entry: unknown, index): UpdateFileInfo => {
    const file = entry as { url?: unknown; sha512?: unknown; size?: unknown } | null;
    if (typeof file?.url !== 'string' || file.url.length === 0) throw new UpdateVerificationError('ERR_UPDATE_FEED', `${source}: files[${index}].url is missing`);
    if (typeof file.sha512 !== 'string' || !SHA512_BASE64.test(file.sha512)) {
      throw new UpdateVerificationError('ERR_UPDATE_FEED', `${source}: files[${index}].sha512 is not a base64 SHA-512`);
    }
    if (file.size !== undefined && (typeof file.size !== 'number' || !Number.isInteger(file.size) || file.size < 0)) {
      throw new UpdateVerificationError('ERR_UPDATE_FEED', `${source}: files[${index}].size is not a whole number`);
    }
    return { url: file.url, sha512: file.sha512, ...(typeof file.size === 'number' ? { size: file.size } : {}) };
  });
  return { version: feed.version, files };
}

export async function sha512Base64(file: string): Promise<string> {
  const hash = createHash('sha512');
  await pipeline(createReadStream(file), hash);
  return hash.digest('base64');
}

/** Resolves with the feed entry the file matches; throws UpdateVerificationError naming what does not match. */
export async function verifyUpdateFile(file: string, info: UpdateInfo): Promise<UpdateFileInfo> {
  const name = path.basename(file);
  const entry = info.files.find((candidate) => path.posix.basename(candidate.url) === name);
  if (entry === undefined) throw new UpdateVerificationError('ERR_NOT_IN_FEED', `${name} is not listed for version ${info.version}`);
  const size = statSync(file).size;
  if (entry.size !== undefined && entry.size !== size) {
    throw new UpdateVerificationError('ERR_SIZE_MISMATCH', `${name} has ${size} bytes, the feed says ${entry.size}`);
  }
  const actual = await sha512Base64(file);
  if (actual !== entry.sha512) {
    throw new UpdateVerificationError('ERR_CHECKSUM_MISMATCH', `sha512 checksum mismatch for ${name}, expected ${entry.sha512}, got ${actual}`);
  }
  return entry;
}
