// Security rules of an OPC UA source, kept pure so they are unit-tested without a server: which mode and policy
// a source asks for, whether PlantDesk refuses it, the warning an allowed insecure choice carries, and which of
// the server's endpoints matches.
import { MessageSecurityMode, SecurityPolicy, UserTokenType, type EndpointDescription } from 'node-opcua';

export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export type OpcuaSecurityMode = (typeof SECURITY_MODES)[number];

/** Current policies of OPC UA 1.04+. */
export const SECURE_POLICIES = ['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
/** No security, or deprecated by the OPC Foundation (SHA-1, RSA PKCS#1 v1.5): refused unless a source allows them. */
export const INSECURE_POLICIES = ['None', 'Basic128Rsa15', 'Basic256'] as const;
export const SECURITY_POLICIES = [...SECURE_POLICIES, ...INSECURE_POLICIES] as const;
export type OpcuaSecurityPolicy = (typeof SECURITY_POLICIES)[number];

export type OpcuaUserIdentity =
  | { readonly type: 'anonymous' }
  | { readonly type: 'username'; readonly username: string; readonly password: string }
  | { readonly type: 'certificate'; readonly certificateFile: string; readonly privateKeyFile: string };

export interface OpcuaSecuritySettings {
  readonly name: string;
  readonly securityMode: OpcuaSecurityMode;
  /** Default: None when securityMode is None, else Basic256Sha256. */
  readonly securityPolicy?: OpcuaSecurityPolicy | undefined;
  /** Allows securityMode None and the deprecated policies; the connection then carries a warning. */
  readonly allowInsecure?: boolean | undefined;
  readonly userIdentity?: OpcuaUserIdentity | undefined;
}

export interface EffectiveSecurity {
  readonly mode: OpcuaSecurityMode;
  readonly policy: OpcuaSecurityPolicy;
}

export function effectiveSecurity(settings: OpcuaSecuritySettings): EffectiveSecurity {
  const mode = settings.securityMode;
  return { mode, policy: settings.securityPolicy ?? (mode === 'None' ? 'None' : 'Basic256Sha256') };
}

function isInsecure(policy: OpcuaSecurityPolicy): boolean {
  return (INSECURE_POLICIES as readonly string[]).includes(policy);
}

/** What is insecure about the settings, in plain words naming the config key; empty when nothing is. */
function insecurities(settings: OpcuaSecuritySettings): string[] {
  const { mode, policy } = effectiveSecurity(settings);
  const found: string[] = [];
  if (mode === 'None') found.push('securityMode None sends everything unsigned and unencrypted');
  else if (policy === 'None') found.push(`securityPolicy None gives securityMode ${mode} no protection`);
  else if (isInsecure(policy)) found.push(`securityPolicy ${policy} is deprecated (SHA-1 / RSA PKCS#1 v1.5)`);
  if (mode === 'None' && settings.userIdentity?.type === 'username') found.push('the password may cross the network readable');
  return found;
}

/**
 * Why the source must not connect, or null. A refusal names the config key that decides it, so the status line
 * tells the engineer what to change.
 */
export function securityRefusal(settings: OpcuaSecuritySettings): string | null {
  const { mode, policy } = effectiveSecurity(settings);
  if (mode === 'None' && policy !== 'None') {
    return `refused: securityMode None cannot use securityPolicy ${policy}; set securityPolicy: None or a secure securityMode`;
  }
  if (mode !== 'None' && policy === 'None') {
    return `refused: securityMode ${mode} needs a securityPolicy (Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss), not None`;
  }
  const problems = insecurities(settings);
  if (problems.length === 0 || settings.allowInsecure === true) return null;
  return `refused: ${problems.join('; ')}. Use securityMode SignAndEncrypt with securityPolicy Basic256Sha256, or set allowInsecure: true on OPC UA source '${settings.name}' to connect anyway`;
}

/** The warning an allowed insecure source carries in its connection status, or null. */
export function securityWarning(settings: OpcuaSecuritySettings): string | null {
  if (settings.allowInsecure !== true) return null;
  const problems = insecurities(settings);
  return problems.length === 0 ? null : `insecure (allowInsecure: true): ${problems.join('; ')}`;
}

export function toMessageSecurityMode(mode: OpcuaSecurityMode): MessageSecurityMode {
  return MessageSecurityMode[mode];
}

export function toSecurityPolicyUri(policy: OpcuaSecurityPolicy): SecurityPolicy {
  return SecurityPolicy[policy];
}

/** "SignAndEncrypt/Basic256Sha256" for an endpoint (the policy URI's fragment). */
export function describeEndpoint(endpoint: Pick<EndpointDescription, 'securityMode' | 'securityPolicyUri'>): string {
  const policy = (endpoint.securityPolicyUri ?? '').split('#').pop() || '(no policy)';
  return `${MessageSecurityMode[endpoint.securityMode] ?? String(endpoint.securityMode)}/${policy}`;
}

export type EndpointChoice<E> = { readonly ok: true; readonly endpoint: E } | { readonly ok: false; readonly message: string };

/** The endpoint the server offers for the source's mode and policy, or a message listing what it does offer. */
export function selectEndpoint<E extends Pick<EndpointDescription, 'securityMode' | 'securityPolicyUri'>>(
  endpoints: readonly E[],
  security: EffectiveSecurity,
  endpointUrl: string,
): EndpointChoice<E> {
  const wantMode = toMessageSecurityMode(security.mode);
  const wantPolicy = toSecurityPolicyUri(security.policy);
  const endpoint = endpoints.find((e) => e.securityMode === wantMode && e.securityPolicyUri === wantPolicy);
  if (endpoint) return { ok: true, endpoint };
  const offered = [...new Set(endpoints.map(describeEndpoint))];
  return {
    ok: false,
    message: `the server at ${endpointUrl} offers no endpoint for securityMode ${security.mode} with securityPolicy ${security.policy}; ` +
      `it offers: ${offered.length > 0 ? offered.join(', ') : 'nothing'}. Change securityMode/securityPolicy of the source to one of these`,
  };
}

const TOKEN_TYPE: Readonly<Record<OpcuaUserIdentity['type'], UserTokenType>> = {
  anonymous: UserTokenType.Anonymous,
  username: UserTokenType.UserName,
  certificate: UserTokenType.Certificate,
};
const TOKEN_LABEL: Readonly<Partial<Record<UserTokenType, string>>> = {
  [UserTokenType.Anonymous]: 'anonymous',
  [UserTokenType.UserName]: 'username',
  [UserTokenType.Certificate]: 'certificate',
  [UserTokenType.IssuedToken]: 'issued token',
};

/** Null when the endpoint accepts the configured kind of user identity, else why not and what it accepts. */
export function identityRefusal(endpoint: Pick<EndpointDescription, 'userIdentityTokens'>, identity: OpcuaUserIdentity['type']): string | null {
  const accepted = (endpoint.userIdentityTokens ?? []).map((t) => t.tokenType);
  if (accepted.includes(TOKEN_TYPE[identity])) return null;
  const labels = [...new Set(accepted.map((t) => TOKEN_LABEL[t] ?? String(t)))];
  return `the server does not accept userIdentity type ${identity} on this endpoint; it accepts: ${labels.length > 0 ? labels.join(', ') : 'none'}`;
}
