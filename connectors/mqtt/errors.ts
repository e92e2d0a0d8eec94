// Plain words for what went wrong between PlantDesk and a broker, always naming the broker's URL: the status
// line an integration engineer reads in the console instead of an errno or a reason code.

/** The broker URL without any password written into it (mqtt://user:secret@host -> mqtt://user@host). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '';
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url;
  }
}

/** MQTT 3.1.1 CONNACK return codes and MQTT 5 reason codes, in the words of an operator. */
const REASONS: Readonly<Record<number, string>> = {
  1: 'the broker does not accept this MQTT protocol version (set protocolVersion: 4 or 5)',
  2: 'the broker rejected the clientId',
  3: 'the broker is unavailable',
  4: 'bad username or password',
  5: 'not authorized: bad username or password, or this user may not connect',
  128: 'unspecified error',
  131: 'implementation specific error',
  132: 'the broker does not accept this MQTT protocol version (set protocolVersion: 4 or 5)',
  133: 'the broker rejected the clientId',
  134: 'bad username or password',
  135: 'not authorized: bad username or password, or this user may not connect',
  136: 'the broker is unavailable',
  137: 'the broker is busy',
  138: 'this client is banned by the broker',
  139: 'the broker is shutting down',
  140: 'bad authentication method',
  141: 'keepalive timeout',
  142: 'session taken over: another client connected with the same clientId',
  151: 'quota exceeded',
  152: 'administrative action',
  156: 'use another server',
  157: 'the broker has moved',
  159: 'connection rate exceeded',
};

/** An MQTT 5 DISCONNECT sent by the broker, e.g. reason 142 when another client took the session over. */
export function describeBrokerDisconnect(reasonCode: number | undefined, url: string): string {
  const words = reasonCode === undefined ? 'no reason given' : `${REASONS[reasonCode] ?? 'reason'} (reason ${reasonCode})`;
  return `${displayUrl(url)}: the broker closed the connection: ${words}`;
}

const SUBACK_REASONS: Readonly<Record<number, string>> = {
  0x80: 'refused',
  0x83: 'implementation specific error',
  0x87: 'not authorized (the broker\'s ACL)',
  0x8f: 'topic filter invalid',
  0x91: 'packet identifier in use',
  0x97: 'quota exceeded',
  0x9e: 'shared subscriptions not supported',
  0xa1: 'subscription identifiers not supported',
  0xa2: 'wildcard subscriptions not supported',
};

/** The reason for a SUBACK failure code (0x80 in MQTT 3.1.1, 0x80 and above in MQTT 5). */
export function subscribeFailureReason(code: number): string {
  return `${SUBACK_REASONS[code] ?? 'refused'} (0x${code.toString(16)})`;
}

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

function plainReason(error: Error & { code?: unknown }): string {
  const code = error.code;
  const message = error.message;
  if (typeof code === 'number') {
    const words = REASONS[code] ?? message;
    if (/^Connection refused/.test(message)) return `the broker refused the connection: ${words} (CONNACK ${code})`;
    return `${words} (reason ${code})`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing listens at that address and port (is the broker running?)';
    case 'ENOTFOUND':
      return 'host name not found (DNS): check the host in the URL';
    case 'EAI_AGAIN':
      return 'host name lookup failed (DNS unreachable or slow)';
    case 'ETIMEDOUT':
      return 'the connection timed out (broker down, firewall or network)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the broker\'s network is unreachable from this PC';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was reset by the broker or the network';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS hostname mismatch: the broker's certificate is not issued for this name (${message}); connect by a name in the certificate or set tls.servername`;
    case 'CERT_HAS_EXPIRED':
      return 'TLS: the broker\'s certificate has expired';
    case 'CERT_NOT_YET_VALID':
      return 'TLS: the broker\'s certificate is not valid yet (check the clocks)';
    case 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED':
      return 'TLS: the broker requires a client certificate: set tls.certFile and tls.keyFile';
    case 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA':
    case 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE':
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN':
      return 'TLS: the broker rejected PlantDesk\'s client certificate (not signed by a CA the broker trusts)';
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return 'TLS handshake failed: this port does not speak TLS (use mqtt:// or the broker\'s TLS port)';
  }
  if (typeof code === 'string' && TLS_UNTRUSTED.has(code)) {
    return `TLS: the broker's certificate is not trusted (certificate verify failed: ${code}); set tls.caFile to the CA that signed it`;
  }
  if (typeof code === 'string' && /^(ERR_SSL_|ERR_TLS_|ERR_OSSL_)/.test(code)) return `TLS handshake failed: ${message}`;
  if (message === 'connack timeout') return 'the broker did not answer the MQTT CONNECT within the connect timeout (is this an MQTT port?)';
  if (message === 'Keepalive timeout') return 'the broker stopped answering (keepalive timeout)';
  if (/^Unexpected server response: (\d+)/.test(message)) {
    return `the web server refused the WebSocket upgrade (${message}); check the path in the URL`;
  }
  return message;
}

/** The status line for an error on the link to `url`, e.g. "mqtts://10.0.0.6:8883: TLS: ... not trusted". */
export function describeMqttError(error: unknown, url: string): string {
  const reason = error instanceof Error ? plainReason(error as Error & { code?: unknown }) : String(error);
  return `${displayUrl(url)}: ${reason}`;
}
