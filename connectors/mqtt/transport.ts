// Turns a source's configuration into mqtt.js client options: URL schemes (tcp/tls aliases), TLS material read
// from files, WebSocket options, MQTT 5 session expiry. Private to connectors/mqtt; mqttSource.ts is the face.
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';

/** Seven days: a PlantDesk PC switched off over a long weekend or a holiday still finds its queued messages. */
export const DEFAULT_SESSION_EXPIRY_S = 7 * 24 * 3600;
export const DEFAULT_KEEPALIVE_S = 60;
export const CONNECT_TIMEOUT_MS = 10_000;

export interface MqttTlsOptions {
  /** PEM file of the CA (or CAs) that signed the broker's certificate; default: the system's trusted CAs. */
  readonly caFile?: string;
  /** PEM client certificate for brokers that require one (mosquitto `require_certificate true`); with keyFile. */
  readonly certFile?: string;
  /** PEM private key of certFile (unencrypted). */
  readonly keyFile?: string;
  /** The name expected in the broker's certificate when it differs from the URL's host (SNI as well). */
  readonly servername?: string;
  /** Default true. false accepts any broker certificate: for a first test only, never in production. */
  readonly rejectUnauthorized?: boolean;
}

export interface TransportOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  /** 4 = MQTT 3.1.1 (default), 5 = MQTT 5. */
  readonly protocolVersion?: 4 | 5;
  /** MQTT 5: how long the broker keeps the session (subscriptions, queued messages) after a disconnect. */
  readonly sessionExpiryS?: number;
  readonly keepaliveS?: number;
  readonly tls?: MqttTlsOptions;
}

const SCHEME_ALIASES: Readonly<Record<string, string>> = { tcp: 'mqtt', tls: 'mqtts', ssl: 'mqtts' };
const SECURE_SCHEMES = new Set(['mqtts', 'wss']);

/** tcp:// -> mqtt://, tls:// and ssl:// -> mqtts://; other schemes unchanged. */
export function normaliseUrl(url: string): string {
  const match = /^([a-z]+):\/\//i.exec(url);
  const scheme = match?.[1]?.toLowerCase();
  const alias = scheme ? SCHEME_ALIASES[scheme] : undefined;
  return alias ? `${alias}${url.slice(scheme!.length)}` : url;
}

export function isSecureUrl(url: string): boolean {
  const scheme = /^([a-z]+):\/\//i.exec(normaliseUrl(url))?.[1]?.toLowerCase();
  return scheme !== undefined && SECURE_SCHEMES.has(scheme);
}

/** Thrown when a TLS file named in the configuration cannot be read; `key` is e.g. "tls.caFile". */
export class TlsFileError extends Error {
  constructor(readonly key: string, readonly file: string, cause: NodeJS.ErrnoException) {
    super(`cannot read ${key} ${file}: ${cause.code === 'ENOENT' ? 'file not found' : (cause.code ?? cause.message)}`);
    this.name = 'TlsFileError';
  }
}

function readTlsFile(key: string, file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TlsFileError(key, file, error as NodeJS.ErrnoException);
  }
}

/**
 * mqtt.js options for one source. Reconnecting is left to the source (reconnectPeriod 0), and subscriptions
 * are renewed by the source on every connection (resubscribe false). Throws TlsFileError.
 */
export function buildClientOptions(options: TransportOptions): { url: string; clientOptions: IClientOptions } {
  const url = normaliseUrl(options.url);
  const protocolVersion = options.protocolVersion ?? 4;
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    // A persistent session: messages published while PlantDesk is down wait at the broker.
    clean: false,
    protocolVersion,
    keepalive: options.keepaliveS ?? DEFAULT_KEEPALIVE_S,
    reconnectPeriod: 0,
    resubscribe: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  };
  // Without a session expiry an MQTT 5 broker ends the session at disconnect, clean: false or not.
  if (protocolVersion === 5) clientOptions.properties = { sessionExpiryInterval: options.sessionExpiryS ?? DEFAULT_SESSION_EXPIRY_S };

  if (isSecureUrl(url)) {
    const tls = options.tls ?? {};
    const secure = {
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
      ...optional('ca', readTlsFile('tls.caFile', tls.caFile)),
      ...optional('cert', readTlsFile('tls.certFile', tls.certFile)),
      ...optional('key', readTlsFile('tls.keyFile', tls.keyFile)),
      ...optional('servername', tls.servername),
    };
    Object.assign(clientOptions, secure);
    // mqtt.js hands ca/cert/key to the WebSocket client, but not servername: give it the whole set.
    if (url.startsWith('wss:')) clientOptions.wsOptions = { ...secure };
  }
  return { url, clientOptions };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
