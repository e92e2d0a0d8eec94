// Takes the secrets out of what goes into a diagnostics bundle: values under secret-looking keys, passwords in
// URLs, and (for log lines) every secret value the configuration holds, wherever it appears.
import { REDACTED } from '../../domain/diagnosticsApi.js';

/** Keys whose value is a secret or points at one: password, clientSecret, bearerToken, keyFile, privateKeyFile, passphrase... */
const SECRET_KEY = /(password|passphrase|secret|token|credential|apikey|privatekey|^key$|keyfile|^pfx$|^authorization$)/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A URL with user info loses its password (mqtt://user:pw@host -> mqtt://user:***@host); other strings pass. */
function redactUrl(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = REDACTED;
    return url.toString();
  } catch {
    return text.replace(/\/\/([^:/@]*):[^@/]*@/, `//$1:${REDACTED}@`);
  }
}

/** A deep copy with every secret replaced by "***". */
export function redactConfig(value: unknown, key = ''): unknown {
  if (key !== '' && isSecretKey(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map((item) => redactConfig(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactConfig(v, k)]));
  }
  return value;
}

/** Every string the configuration holds under a secret key, and URL passwords: to be masked wherever they appear. */
export function secretValues(value: unknown, key = ''): string[] {
  if (typeof value === 'string') {
    if (key !== '' && isSecretKey(key)) return value.length >= 3 ? [value] : [];
    const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@/]+)@/i.exec(value);
    return match?.[1] ? [match[1], safeDecode(match[1])] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item) => secretValues(item));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => (isSecretKey(k) && v !== null && typeof v === 'object' ? secretValues(v, '') : secretValues(v, k)));
  }
  return [];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Replaces each secret value in a text (a log line) with "***", longest first so no fragment is left. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of [...new Set(secrets)].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0 && masked.includes(secret)) masked = masked.split(secret).join(REDACTED);
  }
  return masked;
}
