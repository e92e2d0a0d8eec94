import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { maskSecrets, redactConfig, secretValues } from '../../../main/agent/diagnosticsRedact.js';
import { LogRing, teeLoggerToRing } from '../../../main/agent/diagnosticsLog.js';

// Every place the configuration schema holds a secret (main/agent/config/*Schema.ts), each with its own value.
const CONFIG = {
  plant: '1010',
  opcua: [{ name: 'plc', endpoint: 'opc.tcp://10.0.0.5:4840', userIdentity: { type: 'username', username: 'op', password: 'S1-opcua-pw' } },
    { name: 'plc2', endpoint: 'opc.tcp://10.0.0.6:4840', userIdentity: { type: 'certificate', certificateFile: '/etc/pd/user.pem', privateKeyFile: '/etc/pd/S2-user.key' } }],
  mqtt: [{ name: 'mes', url: 'mqtts://mesuser:S3-url-pw@broker:8883', username: 'plantdesk', password: 'S4-mqtt-pw', keepaliveS: 60,
    tls: { caFile: '/etc/ca.pem', certFile: '/etc/c.pem', keyFile: '/etc/S5-client.key', passphrase: 'S6-passphrase' } }],
  sparkplug: [{ name: 'edge', url: 'mqtt://b:1883', password: 'S7-spb-pw' }],
  enterprise: { url: 'mqtts://corp:8883', password: 'S8-ent-pw' },
  erp: { kind: 'sap-odata', baseUrl: 'https://s4.example.com', username: 'PLANTDESK', password: 'S9-erp-pw', bearerToken: 'S10-bearer',
    oauth2: { tokenUrl: 'https://idp/token', clientId: 'pd', clientSecret: 'S11-client-secret' } },
  auth: { idleTimeoutMin: 60, sessionMaxHours: 13 },
};
const SECRETS = ['S1-opcua-pw', 'S2-user.key', 'S3-url-pw', 'S4-mqtt-pw', 'S5-client.key', 'S6-passphrase', 'S7-spb-pw', 'S8-ent-pw', 'S9-erp-pw', 'S10-bearer', 'S11-client-secret'];

describe('diagnostics redaction', () => {
  it('leaves no secret of any configuration section in the redacted copy', () => {
    const text = JSON.stringify(redactConfig(CONFIG));
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
  });

  it('keeps what is not a secret, so the bundle still explains the setup', () => {
    const redacted = redactConfig(CONFIG) as typeof CONFIG;
    expect(redacted.mqtt[0]!.password).toBe('***');
    expect(redacted.mqtt[0]!.username).toBe('plantdesk');
    expect(redacted.mqtt[0]!.keepaliveS).toBe(60);
    expect(redacted.mqtt[0]!.url).toBe('mqtts://mesuser:***@broker:8883');
    expect(redacted.erp.oauth2.clientId).toBe('pd');
    expect(redacted.erp.oauth2.clientSecret).toBe('***');
    expect(redacted.auth).toEqual(CONFIG.auth);
    expect(redacted.opcua[1]!.userIdentity.certificateFile).toBe('/etc/pd/user.pem');
  });

  it('masks the configuration\'s secret values wherever they appear in a log line', () => {
    const secrets = secretValues(CONFIG);
    for (const secret of ['S1-opcua-pw', 'S3-url-pw', 'S9-erp-pw', 'S11-client-secret']) expect(secrets).toContain(secret);
    const line = JSON.stringify({ msg: 'connect failed', url: 'mqtts://mesuser:S3-url-pw@broker:8883', detail: 'auth S9-erp-pw refused' });
    const masked = maskSecrets(line, secrets);
    expect(masked).not.toContain('S3-url-pw');
    expect(masked).not.toContain('S9-erp-pw');
    expect(masked).toContain('connect failed');
  });
});

describe('log ring', () => {
  it('keeps the newest lines, oldest first, within its capacity', () => {
    const ring = new LogRing(3);
    for (const n of [1, 2, 3, 4, 5]) ring.push(`line ${n}\n`);
    expect(ring.recent()).toEqual(['line 3', 'line 4', 'line 5']);
  });

  it('copies what a pino logger and its children write, and still writes to the destination', () => {
    const written: string[] = [];
    const destination = new Writable({ write(chunk: Buffer, _enc, done) { written.push(chunk.toString()); done(); } });
    const logger = pino({ level: 'info' }, destination);
    const ring = teeLoggerToRing(logger, 10);
    expect(teeLoggerToRing(logger, 10)).toBe(ring);
    logger.info('first');
    logger.child({ part: 'sync' }).warn('second');
    logger.debug('not at this level');
    expect(ring.recent().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['first', 'second']);
    expect(written).toHaveLength(2);
  });
});
