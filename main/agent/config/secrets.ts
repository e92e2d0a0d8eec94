// Credentials at rest in console mode (README "Secrets at rest"): configuration values written as
// `enc:v1:<base64url>` are AES-256-GCM ciphertexts under a 32-byte key kept in `<dataDir>/secret.key`, a file
// with mode 0600 created at first use (`plantdesk secret encrypt`) and refused when its permissions are wider.
// Values are decrypted once, at load, before the schema sees them; the plaintext lives only in the parsed
// configuration object, which is never logged nor sent over the API.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export const SECRET_PREFIX = 'enc:v1:';
export const SECRET_KEY_FILE = 'secret.key';
const KEY_BYTES = 32;
const IV_BYTES = 12; // GCM's recommended nonce size; random per value, so one key can seal many values
const TAG_BYTES = 16;

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export function secretKeyPath(dataDir: string): string {
  return path.join(dataDir, SECRET_KEY_FILE);
}

export function isEncryptedValue(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SECRET_PREFIX);
}

/** Group and other bits set: readable or writable by someone other than the owner. POSIX only (see README). */
function widerThanOwner(mode: number): boolean {
  return process.platform !== 'win32' && (mode & 0o077) !== 0;
}

function readKey(file: string, fd: number): Buffer {
  const { mode } = fstatSync(fd);
  if (widerThanOwner(mode)) {
    throw new SecretKeyError(`${file}: permissions ${(mode & 0o777).toString(8).padStart(4, '0')} are wider than 0600; the key is refused until \`chmod 600 ${file}\``);
  }
  const key = Buffer.from(readFileSync(fd, 'utf8').trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new SecretKeyError(`${file}: not a PlantDesk secret key (expected ${KEY_BYTES} bytes in base64)`);
  return key;
}

/** The key in `<dataDir>/secret.key`; throws SecretKeyError when it is missing, unreadable, malformed or too open. */
export function loadSecretKey(dataDir: string): Buffer {
  const file = secretKeyPath(dataDir);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SecretKeyError(
      code === 'ENOENT'
        ? `${file}: no secret key; encrypted values need the key that \`plantdesk secret encrypt --data ${dataDir}\` created`
        : `${file}: cannot be read (${code ?? (error as Error).message})`,
    );
  }
  try {
    return readKey(file, fd);
  } finally {
    closeSync(fd);
  }
}

/** The existing key, or a new random one written with mode 0600 (`wx`: never over a file another process just made). */
export function loadOrCreateSecretKey(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = secretKeyPath(dataDir);
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadSecretKey(dataDir);
    throw new SecretKeyError(`${file}: cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const key = randomBytes(KEY_BYTES);
    writeSync(fd, `${key.toString('base64')}\n`);
    return key;
  } finally {
    closeSync(fd);
  }
}

// The desktop shell unseals its key with safeStorage (main/shell/secretKeyStore.ts) and hands it to the agent
// over the utility-process channel as {type:'secretKey', key: base64}; it then wins over <dataDir>/secret.key.
let providedKey: Buffer | null = null;

/** True when `message` was the shell's key message (taken, or refused with an error if malformed). */
export function acceptSecretKeyMessage(message: unknown): boolean {
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'secretKey') return false;
  const encoded = (message as { key?: unknown }).key;
  const key = typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) throw new SecretKeyError(`the desktop's secret key message does not hold a ${KEY_BYTES}-byte key`);
  providedKey = key;
  return true;
}

/** The key that opens this agent's `enc:v1:` values: the desktop's, when it handed one over, else <dataDir>/secret.key. */
export function secretKeyFor(dataDir: string): Buffer {
  return providedKey ?? loadSecretKey(dataDir);
}

/** For tests: forget a key handed over by acceptSecretKeyMessage. */
export function forgetProvidedSecretKey(): void {
  providedKey = null;
}

export function encryptSecret(plaintext: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${SECRET_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

/** Throws an Error without any part of the value when it was altered or sealed under another key. */
export function decryptSecret(value: string, key: Buffer): string {
  if (!isEncryptedValue(value)) throw new Error(`not an ${SECRET_PREFIX} value`);
  const raw = Buffer.from(value.slice(SECRET_PREFIX.length), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('cannot be decrypted: it was altered, or sealed with another data folder\'s secret.key');
  }
}

export interface SecretProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Replaces every `enc:v1:` string in the raw (pre-schema) configuration by its plaintext. The key is asked for
 * only when there is such a value, so a configuration without secrets never needs or creates a key file.
 * Returns the new object and one problem per value that could not be decrypted (a key problem is reported once,
 * on the first encrypted value).
 */
export function decryptConfigSecrets(raw: unknown, getKey: () => Buffer): { value: unknown; problems: SecretProblem[] } {
  const problems: SecretProblem[] = [];
  let key: Buffer | null = null;
  let keyFailed = false;
  const walk = (node: unknown, at: readonly PropertyKey[]): unknown => {
    if (isEncryptedValue(node)) {
      if (keyFailed) return node;
      try {
        key ??= getKey();
        return decryptSecret(node, key);
      } catch (error) {
        keyFailed = error instanceof SecretKeyError;
        problems.push({ path: at, message: (error as Error).message });
        return node;
      }
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...at, index]));
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([name, item]) => [name, walk(item, [...at, name])]));
    }
    return node;
  };
  return { value: walk(raw, []), problems };
}
