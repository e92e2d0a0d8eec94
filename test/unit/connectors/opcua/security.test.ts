// The security rules of an OPC UA source: what is refused, what carries a warning, which endpoint is chosen.
import { MessageSecurityMode, SecurityPolicy, UserTokenType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import {
  describeEndpoint, effectiveSecurity, identityRefusal, securityRefusal, securityWarning, selectEndpoint, type OpcuaSecuritySettings,
} from '../../../../connectors/opcua/security.js';

const source = (settings: Partial<OpcuaSecuritySettings>): OpcuaSecuritySettings => ({ name: 'plc', securityMode: 'SignAndEncrypt', ...settings });

describe('effectiveSecurity', () => {
  it('defaults the policy to Basic256Sha256 for secure modes and None for mode None', () => {
    expect(effectiveSecurity(source({}))).toEqual({ mode: 'SignAndEncrypt', policy: 'Basic256Sha256' });
    expect(effectiveSecurity(source({ securityMode: 'Sign' }))).toEqual({ mode: 'Sign', policy: 'Basic256Sha256' });
    expect(effectiveSecurity(source({ securityMode: 'None' }))).toEqual({ mode: 'None', policy: 'None' });
  });
});

describe('securityRefusal and securityWarning', () => {
  it.each(['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const)('accepts %s without a warning', (policy) => {
    for (const securityMode of ['Sign', 'SignAndEncrypt'] as const) {
      expect(securityRefusal(source({ securityMode, securityPolicy: policy }))).toBeNull();
      expect(securityWarning(source({ securityMode, securityPolicy: policy, allowInsecure: true }))).toBeNull();
    }
  });

  it('refuses securityMode None unless allowInsecure, naming the keys', () => {
    const refusal = securityRefusal(source({ securityMode: 'None' }));
    expect(refusal).toContain('securityMode None');
    expect(refusal).toContain("allowInsecure: true on OPC UA source 'plc'");
    expect(securityRefusal(source({ securityMode: 'None', allowInsecure: true }))).toBeNull();
    expect(securityWarning(source({ securityMode: 'None', allowInsecure: true }))).toMatch(/^insecure \(allowInsecure: true\): securityMode None/);
  });

  it.each(['Basic128Rsa15', 'Basic256'] as const)('refuses the deprecated %s unless allowInsecure', (policy) => {
    expect(securityRefusal(source({ securityPolicy: policy }))).toContain(`securityPolicy ${policy} is deprecated`);
    expect(securityRefusal(source({ securityPolicy: policy, allowInsecure: false }))).not.toBeNull();
    expect(securityRefusal(source({ securityPolicy: policy, allowInsecure: true }))).toBeNull();
    expect(securityWarning(source({ securityPolicy: policy, allowInsecure: true }))).toContain(`securityPolicy ${policy} is deprecated`);
  });

  it('refuses contradictory mode and policy even with allowInsecure', () => {
    expect(securityRefusal(source({ securityMode: 'None', securityPolicy: 'Basic256Sha256', allowInsecure: true }))).toContain('securityMode None cannot use securityPolicy Basic256Sha256');
    expect(securityRefusal(source({ securityMode: 'Sign', securityPolicy: 'None', allowInsecure: true }))).toContain('securityMode Sign needs a securityPolicy');
  });

  it('warns that a password may travel readable over securityMode None', () => {
    const warning = securityWarning(source({ securityMode: 'None', allowInsecure: true, userIdentity: { type: 'username', username: 'u', password: 'p' } }));
    expect(warning).toContain('password');
  });

  it('carries no warning when allowInsecure is set on a secure source', () => {
    expect(securityWarning(source({ allowInsecure: true }))).toBeNull();
  });
});

describe('selectEndpoint', () => {
  const offered = [
    { securityMode: MessageSecurityMode.None, securityPolicyUri: SecurityPolicy.None, name: 'none' },
    { securityMode: MessageSecurityMode.Sign, securityPolicyUri: SecurityPolicy.Basic256Sha256, name: 'sign' },
    { securityMode: MessageSecurityMode.SignAndEncrypt, securityPolicyUri: SecurityPolicy.Basic256Sha256, name: 'encrypt' },
  ];

  it('picks the endpoint with the same mode and policy', () => {
    const choice = selectEndpoint(offered, { mode: 'SignAndEncrypt', policy: 'Basic256Sha256' }, 'opc.tcp://plc:4840');
    expect(choice).toEqual({ ok: true, endpoint: offered[2] });
    expect(selectEndpoint(offered, { mode: 'Sign', policy: 'Basic256Sha256' }, 'x')).toEqual({ ok: true, endpoint: offered[1] });
  });

  it('lists what the server offers when nothing matches', () => {
    const choice = selectEndpoint(offered, { mode: 'SignAndEncrypt', policy: 'Aes256_Sha256_RsaPss' }, 'opc.tcp://plc:4840');
    expect(choice.ok).toBe(false);
    if (choice.ok) return;
    expect(choice.message).toBe(
      'the server at opc.tcp://plc:4840 offers no endpoint for securityMode SignAndEncrypt with securityPolicy Aes256_Sha256_RsaPss; ' +
        'it offers: None/None, Sign/Basic256Sha256, SignAndEncrypt/Basic256Sha256. Change securityMode/securityPolicy of the source to one of these',
    );
  });

  it('describes an endpoint as mode/policy', () => {
    expect(describeEndpoint({ securityMode: MessageSecurityMode.SignAndEncrypt, securityPolicyUri: SecurityPolicy.Aes128_Sha256_RsaOaep })).toBe('SignAndEncrypt/Aes128_Sha256_RsaOaep');
  });
});

describe('identityRefusal', () => {
  const endpoint = { userIdentityTokens: [{ tokenType: UserTokenType.UserName }, { tokenType: UserTokenType.Certificate }] } as never;

  it('accepts an identity type the endpoint offers', () => {
    expect(identityRefusal(endpoint, 'username')).toBeNull();
    expect(identityRefusal(endpoint, 'certificate')).toBeNull();
  });

  it('says what the endpoint accepts instead', () => {
    expect(identityRefusal(endpoint, 'anonymous')).toBe('the server does not accept userIdentity type anonymous on this endpoint; it accepts: username, certificate');
  });
});
