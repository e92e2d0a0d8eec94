// scrypt password hashes: format with parameters, per-password salt, constant-time verify, refusal of foreign formats.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_COST, hashPassword, verifyPassword } from '../../../../main/agent/auth/password.js';

describe('password hashing', () => {
  it('stores scheme, cost, salt and key, and verifies only the right password (production cost)', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(DEFAULT_SCRYPT_COST.log2N).toBe(15);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash, so one password never gives the same hash twice', async () => {
    const cost = { log2N: 10, r: 8, p: 1 };
    const [a, b] = await Promise.all([hashPassword('same password!', cost), hashPassword('same password!', cost)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password!', a)).toBe(true);
    expect(await verifyPassword('same password!', b)).toBe(true);
  });

  it('verifies with the parameters stored in the hash, so the default cost can change later', async () => {
    const old = await hashPassword('an older password', { log2N: 11, r: 8, p: 1 });
    expect(old.startsWith('scrypt$11$8$1$')).toBe(true);
    expect(await verifyPassword('an older password', old)).toBe(true);
  });

  it('refuses a stored value it did not write', async () => {
    await expect(verifyPassword('x', 'plaintext')).rejects.toThrow(/scrypt\$log2N\$r\$p\$salt\$key/);
    await expect(verifyPassword('x', 'scrypt$40$8$1$AA==$AA==')).rejects.toThrow(/format/);
  });
});
