// Secrets at rest in console mode: the 0600 key file, AES-256-GCM values, their decryption at load with errors
// that name line and key, and `plantdesk secret encrypt`.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../main/agent/config/load.js';
import {
  SecretKeyError,
  acceptSecretKeyMessage,
  decryptSecret,
  forgetProvidedSecretKey,
  encryptSecret,
  loadOrCreateSecretKey,
  loadSecretKey,
  secretKeyPath,
} from '../../../main/agent/config/secrets.js';
import { runSecret } from '../../../main/console/cli.js';

let dataDir: string;
beforeEach(() => {
  dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'plantdesk-secrets-')), 'data');
});
afterEach(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));

const configWith = (password: string, extra = '') =>
  `plant: "1010"\n${extra}erp:\n  kind: sap-odata\n  baseUrl: https://s4.example.com\n  username: PLANTDESK\n  password: ${password}\n`;

describe('the key file', () => {
  it('is created once with mode 0600 and 32 random bytes, and read back unchanged', () => {
    const key = loadOrCreateSecretKey(dataDir);
    expect(key).toHaveLength(32);
    expect(statSync(secretKeyPath(dataDir)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecretKey(dataDir).equals(key)).toBe(true);
    expect(loadSecretKey(dataDir).equals(key)).toBe(true);
  });

  it('is refused when group or others may read it, naming the file and the fix', () => {
    loadOrCreateSecretKey(dataDir);
    chmodSync(secretKeyPath(dataDir), 0o644);
    expect(() => loadSecretKey(dataDir)).toThrow(SecretKeyError);
    expect(() => loadSecretKey(dataDir)).toThrow(`${secretKeyPath(dataDir)}: permissions 0644 are wider than 0600; the key is refused until \`chmod 600 ${secretKeyPath(dataDir)}\``);
    expect(() => loadOrCreateSecretKey(dataDir)).toThrow(/wider than 0600/); // never silently replaced either
  });

  it('is refused when missing or not a key', () => {
    expect(() => loadSecretKey(dataDir)).toThrow(/no secret key; encrypted values need the key that `plantdesk secret encrypt --data/);
    loadOrCreateSecretKey(dataDir);
    writeFileSync(secretKeyPath(dataDir), 'c2hvcnQ=\n');
    expect(() => loadSecretKey(dataDir)).toThrow(/not a PlantDesk secret key/);
  });
});

describe('enc:v1 values', () => {
  it('round-trip, differ each time for the same plaintext, and never contain it', () => {
    const key = loadOrCreateSecretKey(dataDir);
    const a = encryptSecret('s3cret-Pässword', key);
    const b = encryptSecret('s3cret-Pässword', key);
    expect(a).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(decryptSecret(a, key)).toBe('s3cret-Pässword');
    expect(decryptSecret(b, key)).toBe('s3cret-Pässword');
  });

  it('refuses a flipped byte and another key, without echoing the value', () => {
    const key = loadOrCreateSecretKey(dataDir);
    const value = encryptSecret('hunter2', key);
    const raw = Buffer.from(value.slice('enc:v1:'.length), 'base64url');
    raw[raw.length - 1]! ^= 1;
    const tampered = `enc:v1:${raw.toString('base64url')}`;
    expect(() => decryptSecret(tampered, key)).toThrow(/cannot be decrypted: it was altered, or sealed with another data folder's secret.key/);
    expect(() => decryptSecret(value, Buffer.alloc(32, 7))).toThrow(/cannot be decrypted/);
    expect(() => decryptSecret('enc:v1:AAAA', key)).toThrow(/truncated/);
  });
});

describe('parseConfig with enc:v1 values', () => {
  it('decrypts them before validation, with the key of the dataDir option', () => {
    const value = encryptSecret('erp-pass', loadOrCreateSecretKey(dataDir));
    const config = parseConfig(configWith(value), 'plant.yaml', { dataDir });
    expect(config.erp).toMatchObject({ username: 'PLANTDESK', password: 'erp-pass' });
  });

  it("uses the file's own dataDir when no option is given", () => {
    const value = encryptSecret('erp-pass', loadOrCreateSecretKey(dataDir));
    const config = parseConfig(configWith(value, `dataDir: ${dataDir}\n`), 'plant.yaml');
    expect(config.erp).toMatchObject({ password: 'erp-pass' });
  });

  it('names line and key of a value it cannot decrypt, and never prints the value or a plaintext', () => {
    const other = path.join(path.dirname(dataDir), 'other');
    const foreign = encryptSecret('erp-pass', loadOrCreateSecretKey(other));
    loadOrCreateSecretKey(dataDir);
    let error: unknown;
    try {
      parseConfig(configWith(foreign), 'plant.yaml', { dataDir });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "plant.yaml:6: erp.password: cannot be decrypted: it was altered, or sealed with another data folder's secret.key",
    ]);
    expect((error as Error).message).not.toContain(foreign.slice(8));
    expect((error as Error).message).not.toContain('erp-pass');
  });

  it('reports a missing key file once, as a configuration error', () => {
    const value = `enc:v1:${Buffer.alloc(40).toString('base64url')}`;
    expect(() => parseConfig(configWith(value), 'plant.yaml', { dataDir })).toThrow(/plant.yaml:6: erp.password: .*secret.key: no secret key/);
  });

  it('never needs a key for a configuration without encrypted values', () => {
    expect(parseConfig(configWith('plain'), 'plant.yaml', { dataDir }).erp).toMatchObject({ password: 'plain' });
    expect(() => statSync(secretKeyPath(dataDir))).toThrow(/ENOENT/);
  });
});

describe('plantdesk secret encrypt', () => {
  async function cli(argv: string[], stdin: string) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSecret(argv, { stdin: Readable.from([Buffer.from(stdin)]), out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  }

  it('prints a value the configuration loader opens, creating the key file', async () => {
    const { code, out, err } = await cli(['encrypt', '--data', dataDir], 'mqtt-pass\n');
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^enc:v1:/);
    expect(err.join('\n')).not.toContain('mqtt-pass');
    expect(statSync(secretKeyPath(dataDir)).mode & 0o777).toBe(0o600);
    expect(parseConfig(configWith(out[0]!), 'plant.yaml', { dataDir }).erp).toMatchObject({ password: 'mqtt-pass' });
    expect(readFileSync(secretKeyPath(dataDir), 'utf8')).not.toContain('mqtt-pass');
  });

  it('refuses usage errors, empty input and a key file with wide permissions (exit 2)', async () => {
    expect((await cli(['encrypt'], 'x')).err[0]).toContain('--data is required');
    expect((await cli(['decrypt', '--data', dataDir], 'x')).code).toBe(2);
    expect((await cli(['encrypt', '--data', dataDir], '')).err[0]).toContain('nothing on stdin');
    loadOrCreateSecretKey(dataDir);
    chmodSync(secretKeyPath(dataDir), 0o640);
    const wide = await cli(['encrypt', '--data', dataDir], 'x');
    expect(wide.code).toBe(2);
    expect(wide.out).toEqual([]);
    expect(wide.err[0]).toMatch(/permissions 0640 are wider than 0600/);
  });
});

describe("the desktop's key handed over the utility-process channel", () => {
  afterEach(() => forgetProvidedSecretKey());

  it('opens values sealed with it, with no key file in the data folder', () => {
    const desktopKey = Buffer.alloc(32, 9);
    expect(acceptSecretKeyMessage({ type: 'secretKey', key: desktopKey.toString('base64') })).toBe(true);
    const config = parseConfig(configWith(encryptSecret('opc-pass', desktopKey)), 'plant.yaml', { dataDir });
    expect(config.erp).toMatchObject({ password: 'opc-pass' });
    expect(() => statSync(secretKeyPath(dataDir))).toThrow(/ENOENT/);
  });

  it('ignores other messages and refuses a malformed key', () => {
    expect(acceptSecretKeyMessage({ type: 'call', id: 1, method: 'getHealth' })).toBe(false);
    expect(acceptSecretKeyMessage(null)).toBe(false);
    expect(() => acceptSecretKeyMessage({ type: 'secretKey', key: 'c2hvcnQ=' })).toThrow(/does not hold a 32-byte key/);
  });
});
