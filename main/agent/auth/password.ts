// Password hashing with node:crypto scrypt: a random salt per password, the cost parameters stored with the
// hash (so they can be raised later without breaking old hashes), comparison in constant time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^log2N, block size r, parallelism p. 2^15/8/1 takes 0.1-0.2 s and 32 MiB here. */
export interface ScryptCost {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { log2N: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  // scrypt needs 128 * N * r bytes; Node's default limit (32 MiB) is exactly that at 2^15/8, so leave room.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) => {
    // The callback form runs on libuv's thread pool: a login does not stall the agent's event loop.
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>` */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.log2N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** False for a wrong password; throws for a stored value that is not a hash this code wrote. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  const [scheme, log2N, r, p, salt, key] = parts;
  const cost = { log2N: Number(log2N), r: Number(r), p: Number(p) };
  if (parts.length !== 6 || scheme !== 'scrypt' || !Object.values(cost).every((n) => Number.isInteger(n) && n > 0) || cost.log2N > 20) {
    throw new Error('stored password hash is not in the scrypt$log2N$r$p$salt$key format');
  }
  const expected = Buffer.from(key!, 'base64');
  const actual = await derive(password, Buffer.from(salt!, 'base64'), cost);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
