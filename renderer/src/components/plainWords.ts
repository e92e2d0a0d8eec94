// Connection errors in plain words for the supervisor: the technical text stays available in the title.
const PLAIN: readonly (readonly [RegExp, string])[] = [
  [/ECONNREFUSED|connection refused/i, 'Nothing answers at this address: the server is not running or a firewall blocks the port.'],
  [/ETIMEDOUT|timed? ?out/i, 'No answer in time: the network is slow or the server is overloaded.'],
  [/ENOTFOUND|EAI_AGAIN|getaddrinfo/i, 'The server name is not known: check the address or the DNS.'],
  [/EHOSTUNREACH|ENETUNREACH/i, 'The network cannot reach this server: check the cable, VPN or routing.'],
  [/ECONNRESET|socket hang up|reset/i, 'The server dropped the connection.'],
  [/BadCertificateUntrusted|untrusted|not trusted/i, 'The server\'s certificate is not trusted yet: an engineer must trust it below.'],
  [/certificate.*expired|CERT_HAS_EXPIRED/i, 'A certificate has expired.'],
  [/not authori[sz]ed|bad user ?name or password|BadUserAccessDenied|401|403/i, 'The user name or password was refused.'],
  [/BadSecurity|no (matching )?endpoint/i, 'The server offers no connection with the configured security.'],
  [/5\d\d|service unavailable/i, 'The ERP answered with a server error; PlantDesk retries.'],
];

/** Plain words for a connection's last error, or the error itself when no rule knows it. */
export function plainError(error: string | null): string | null {
  if (error === null || error.trim() === '') return null;
  for (const [pattern, words] of PLAIN) if (pattern.test(error)) return words;
  return error;
}
