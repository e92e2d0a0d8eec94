// The desktop's key for `enc:v1:` configuration values (README "Secrets at rest"), kept sealed by the OS key
// store through Electron's safeStorage (DPAPI on Windows, libsecret/kwallet on Linux) in <dataDir>/secret.key.safe,
// so a copy of the disk or of the file alone does not open the plant's ERP, MQTT and OPC UA credentials. Only
// the main process unseals it; the agent receives the key over its utility-process channel (secretKeyMessage),
// the renderer never. Where no OS key store exists, PlantDesk refuses rather than pretend: the console-mode
// key file (0600) is then the documented way.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';

export const DESKTOP_KEY_FILE = 'secret.key.safe';
const KEY_BYTES = 32;

/** The safeStorage calls used here; a seam for tests. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export class DesktopKeyError extends Error {
  override name = 'DesktopKeyError';
}

/** What the shell posts to the agent before anything else: the unsealed key, base64. */
export interface SecretKeyMessage {
  readonly type: 'secretKey';
  readonly key: string;
}

export function secretKeyMessage(key: Buffer): SecretKeyMessage {
  return { type: 'secretKey', key: key.toString('base64') };
}

function refuseWithoutKeyStore(storage: SafeStorageLike, platform: NodeJS.Platform): void {
  if (!storage.isEncryptionAvailable()) {
    throw new DesktopKeyError('the OS key store is not available to PlantDesk (safeStorage); use the console-mode key file (README "Secrets at rest")');
  }
  // On Linux without a secret service Chromium falls back to a hard-coded password: that is no protection at all.
  if (platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text') {
    throw new DesktopKeyError('no secret service (gnome-keyring or kwallet) on this desktop, safeStorage would store the key in the clear; use the console-mode key file (README "Secrets at rest")');
  }
}

/** The unsealed key, created (random, sealed, written with mode 0600 and `wx`) at first use. */
export function loadDesktopSecretKey(dataDir: string, storage: SafeStorageLike = safeStorage, platform: NodeJS.Platform = process.platform): Buffer {
  refuseWithoutKeyStore(storage, platform);
  const file = path.join(dataDir, DESKTOP_KEY_FILE);
  if (existsSync(file)) {
    let key: Buffer;
    try {
      key = Buffer.from(storage.decryptString(readFileSync(file)), 'base64');
    } catch (error) {
      throw new DesktopKeyError(`${file}: the OS key store cannot unseal it (another Windows user or PC?): ${(error as Error).message}`);
    }
    if (key.length !== KEY_BYTES) throw new DesktopKeyError(`${file}: not a PlantDesk secret key`);
    return key;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, storage.encryptString(key.toString('base64')));
  } finally {
    closeSync(fd);
  }
  return key;
}
