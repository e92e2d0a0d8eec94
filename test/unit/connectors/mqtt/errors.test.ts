import { describe, expect, it } from 'vitest';
import { describeBrokerDisconnect, describeMqttError, displayUrl, subscribeFailureReason } from '../../../../connectors/mqtt/errors.js';

const URL = 'mqtts://mes.plant:8883';
const withCode = (message: string, code: string | number): Error => Object.assign(new Error(message), { code });

describe('describeMqttError', () => {
  it.each([
    [withCode('connect ECONNREFUSED 10.0.0.6:8883', 'ECONNREFUSED'), /^mqtts:\/\/mes\.plant:8883: connection refused: nothing listens/],
    [withCode('getaddrinfo ENOTFOUND mes.plant', 'ENOTFOUND'), /host name not found \(DNS\)/],
    [withCode('getaddrinfo EAI_AGAIN mes.plant', 'EAI_AGAIN'), /host name lookup failed/],
    [withCode('read ECONNRESET', 'ECONNRESET'), /connection was reset/],
    [withCode('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), /certificate is not trusted \(certificate verify failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE\); set tls\.caFile/],
    [withCode('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'), /not trusted \(certificate verify failed: SELF_SIGNED_CERT_IN_CHAIN\)/],
    [withCode("Hostname/IP does not match certificate's altnames: Host: x. is not in the cert's altnames: DNS:y", 'ERR_TLS_CERT_ALTNAME_INVALID'), /TLS hostname mismatch: .*Host: x\..*set tls\.servername/],
    [withCode('certificate has expired', 'CERT_HAS_EXPIRED'), /certificate has expired/],
    [withCode('tlsv13 alert certificate required', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), /requires a client certificate/],
    [withCode('tlsv1 alert unknown ca', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), /rejected PlantDesk's client certificate/],
    [withCode('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER'), /this port does not speak TLS/],
    [withCode('Connection refused: Bad username or password', 4), /the broker refused the connection: bad username or password \(CONNACK 4\)/],
    [withCode('Connection refused: Not authorized', 5), /refused the connection: not authorized: bad username or password.*\(CONNACK 5\)/],
    [withCode('Connection refused: Bad User Name or Password', 134), /bad username or password \(CONNACK 134\)/],
    [withCode('Connection refused: Not authorized', 135), /not authorized: bad username or password.*\(CONNACK 135\)/],
    [withCode('Connection refused: Identifier rejected', 2), /rejected the clientId \(CONNACK 2\)/],
    [withCode('Connection refused: Unsupported Protocol Version', 132), /protocolVersion: 4 or 5/],
    [new Error('connack timeout'), /did not answer the MQTT CONNECT/],
    [new Error('Keepalive timeout'), /stopped answering \(keepalive timeout\)/],
    [new Error('Unexpected server response: 404'), /refused the WebSocket upgrade .*check the path/],
    [new Error('something odd'), /^mqtts:\/\/mes\.plant:8883: something odd$/],
  ])('%s', (error, expected) => {
    expect(describeMqttError(error, URL)).toMatch(expected);
  });

  it('never shows a password written into the URL', () => {
    expect(describeMqttError(withCode('x', 'ECONNREFUSED'), 'mqtt://plantdesk:s3cret@mes:1883')).toMatch(/^mqtt:\/\/plantdesk@mes:1883: /);
    expect(displayUrl('ws://u:p@mes:8080/mqtt')).toBe('ws://u@mes:8080/mqtt');
    expect(displayUrl('mqtt://mes:1883')).toBe('mqtt://mes:1883');
  });
});

describe('broker-side refusals', () => {
  it('names SUBACK failure codes', () => {
    expect(subscribeFailureReason(0x80)).toBe('refused (0x80)');
    expect(subscribeFailureReason(0x87)).toBe("not authorized (the broker's ACL) (0x87)");
    expect(subscribeFailureReason(0xa2)).toBe('wildcard subscriptions not supported (0xa2)');
    expect(subscribeFailureReason(0xff)).toBe('refused (0xff)');
  });

  it('explains an MQTT 5 DISCONNECT from the broker', () => {
    expect(describeBrokerDisconnect(142, URL)).toBe(`${URL}: the broker closed the connection: session taken over: another client connected with the same clientId (reason 142)`);
    expect(describeBrokerDisconnect(undefined, URL)).toBe(`${URL}: the broker closed the connection: no reason given`);
  });
});
