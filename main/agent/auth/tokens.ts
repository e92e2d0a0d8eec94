// Session tokens and one-time codes: random, and stored only as a SHA-256, so the database never holds a secret
// that would let its reader log in.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe: what a client sends as `Authorization: Bearer <token>`. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The session's public name (audit entries, logout); tells nothing about the token. */
export function newSessionId(): string {
  return randomBytes(12).toString('hex');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 80 random bits as 4 groups of 5 characters of Crockford's base32 (no I, L, O, U): easy to type from a file. */
export function newSetupCode(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % 32]).join('');
  return chars.match(/.{5}/g)!.join('-');
}

/** Compares a typed code with the expected one in constant time, ignoring case, spaces and dashes. */
export function sameSetupCode(typed: string, expected: string): boolean {
  const normalize = (s: string): Buffer => createHash('sha256').update(s.toUpperCase().replace(/[\s-]/g, '')).digest();
  return timingSafeEqual(normalize(typed), normalize(expected));
}
