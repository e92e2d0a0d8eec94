import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientOptions, DEFAULT_SESSION_EXPIRY_S, isSecureUrl, normaliseUrl, TlsFileError } from '../../../../connectors/mqtt/transport.js';

describe('normaliseUrl', () => {
  it.each([
    ['tcp://mes:1883', 'mqtt://mes:1883'],
    ['tls://mes:8883', 'mqtts://mes:8883'],
    ['TLS://mes:8883', 'mqtts://mes:8883'],
    ['mqtt://mes:1883', 'mqtt://mes:1883'],
    ['wss://mes:443/mqtt', 'wss://mes:443/mqtt'],
  ])('%s -> %s', (input, output) => {
    expect(normaliseUrl(input)).toBe(output);
  });

  it('knows which schemes are TLS', () => {
    expect(['mqtts://a', 'tls://a', 'wss://a', 'mqtt://a', 'ws://a', 'tcp://a'].map(isSecureUrl)).toEqual([true, true, true, false, false, false]);
  });
});

describe('buildClientOptions', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pd-transport-'));
    for (const name of ['ca.pem', 'client.pem', 'client.key']) writeFileSync(join(dir, name), `-----${name}-----`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('MQTT 3.1.1 by default: persistent session, keepalive 60 s, no session expiry property', () => {
    const { url, clientOptions } = buildClientOptions({ url: 'tcp://mes:1883', clientId: 'pd' });
    expect(url).toBe('mqtt://mes:1883');
    expect(clientOptions).toMatchObject({ clientId: 'pd', clean: false, protocolVersion: 4, keepalive: 60, reconnectPeriod: 0 });
    expect(clientOptions.properties).toBeUndefined();
  });

  it('MQTT 5 asks the broker to keep the session for 7 days, or as configured', () => {
    expect(DEFAULT_SESSION_EXPIRY_S).toBe(604_800);
    expect(buildClientOptions({ url: 'mqtt://mes', clientId: 'pd', protocolVersion: 5 }).clientOptions.properties).toEqual({ sessionExpiryInterval: 604_800 });
    expect(buildClientOptions({ url: 'mqtt://mes', clientId: 'pd', protocolVersion: 5, sessionExpiryS: 3600 }).clientOptions.properties).toEqual({ sessionExpiryInterval: 3600 });
  });

  it('reads the TLS files for mqtts:// and verifies by default', () => {
    const { clientOptions } = buildClientOptions({
      url: 'tls://mes:8883', clientId: 'pd', username: 'u', password: 'p',
      tls: { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'client.pem'), keyFile: join(dir, 'client.key'), servername: 'mes.plant' },
    });
    expect(clientOptions.ca?.toString()).toBe('-----ca.pem-----');
    expect(clientOptions.cert?.toString()).toBe('-----client.pem-----');
    expect(clientOptions.key?.toString()).toBe('-----client.key-----');
    expect(clientOptions).toMatchObject({ servername: 'mes.plant', rejectUnauthorized: true, username: 'u', password: 'p' });
    expect(clientOptions.wsOptions).toBeUndefined();
  });

  it('gives wss:// the same TLS settings, servername included', () => {
    const { clientOptions } = buildClientOptions({ url: 'wss://mes/mqtt', clientId: 'pd', tls: { caFile: join(dir, 'ca.pem'), servername: 'mes.plant', rejectUnauthorized: false } });
    expect(clientOptions.wsOptions).toMatchObject({ servername: 'mes.plant', rejectUnauthorized: false });
    expect((clientOptions.wsOptions as { ca?: Buffer }).ca?.toString()).toBe('-----ca.pem-----');
  });

  it('verifies the broker even without a tls section (system CAs)', () => {
    expect(buildClientOptions({ url: 'mqtts://mes', clientId: 'pd' }).clientOptions.rejectUnauthorized).toBe(true);
  });

  it('names the key of a file it cannot read', () => {
    const build = (): unknown => buildClientOptions({ url: 'mqtts://mes', clientId: 'pd', tls: { caFile: join(dir, 'ca.pem'), keyFile: join(dir, 'missing.key') } });
    expect(build).toThrow(TlsFileError);
    expect(build).toThrow(`cannot read tls.keyFile ${join(dir, 'missing.key')}: file not found`);
  });
});
