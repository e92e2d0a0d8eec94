// The desktop key sealed by safeStorage: created once, unsealed the same, refused without a real OS key store.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DESKTOP_KEY_FILE, DesktopKeyError, loadDesktopSecretKey, secretKeyMessage, type SafeStorageLike } from '../../../main/shell/secretKeyStore.js';

vi.mock('electron', () => import('./fakeElectron.js'));

/** Stands in for DPAPI: a reversible transform bound to one "user", so another user's store cannot unseal. */
function keyStore(user: string, backend = 'gnome_libsecret'): SafeStorageLike & { sealed: number } {
  const mask = (data: Buffer) => Buffer.from(data.map((byte, i) => byte ^ user.charCodeAt(i % user.length)));
  return {
    sealed: 0,
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(plainText) {
      this.sealed += 1;
      return Buffer.concat([Buffer.from(`${user}:`), mask(Buffer.from(plainText))]);
    },
    decryptString(encrypted) {
      const prefix = `${user}:`;
      if (!encrypted.subarray(0, prefix.length).equals(Buffer.from(prefix))) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return mask(encrypted.subarray(prefix.length)).toString();
    },
  };
}

let dataDir: string;
beforeEach(() => {
  dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'plantdesk-safe-')), 'data');
});
afterEach(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));

describe('loadDesktopSecretKey', () => {
  it('creates a sealed 32-byte key once (mode 0600, no plaintext on disk) and unseals the same key later', () => {
    const store = keyStore('operator');
    const key = loadDesktopSecretKey(dataDir, store, 'linux');
    expect(key).toHaveLength(32);
    const file = path.join(dataDir, DESKTOP_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).includes(Buffer.from(key.toString('base64')))).toBe(false);
    expect(loadDesktopSecretKey(dataDir, store, 'linux').equals(key)).toBe(true);
    expect(store.sealed).toBe(1);
  });

  it("refuses a key sealed by another user's key store, naming the file", () => {
    loadDesktopSecretKey(dataDir, keyStore('operator'), 'win32');
    expect(() => loadDesktopSecretKey(dataDir, keyStore('intruder'), 'win32')).toThrow(DesktopKeyError);
    expect(() => loadDesktopSecretKey(dataDir, keyStore('intruder'), 'win32')).toThrow(/secret\.key\.safe: the OS key store cannot unseal it/);
  });

  it('refuses when safeStorage is unavailable or would store in the clear (Linux basic_text)', () => {
    expect(() => loadDesktopSecretKey(dataDir, { ...keyStore('op'), isEncryptionAvailable: () => false }, 'win32')).toThrow(/OS key store is not available/);
    expect(() => loadDesktopSecretKey(dataDir, keyStore('op', 'basic_text'), 'linux')).toThrow(/no secret service .* in the clear/);
  });

  it('refuses a file that does not hold a key', () => {
    const store = keyStore('operator');
    loadDesktopSecretKey(dataDir, store, 'linux');
    writeFileSync(path.join(dataDir, DESKTOP_KEY_FILE), store.encryptString('c2hvcnQ='));
    expect(() => loadDesktopSecretKey(dataDir, store, 'linux')).toThrow(/not a PlantDesk secret key/);
  });

  it('hands the agent the key as base64 in one message', () => {
    expect(secretKeyMessage(Buffer.alloc(32, 1))).toEqual({ type: 'secretKey', key: Buffer.alloc(32, 1).toString('base64') });
  });
});
