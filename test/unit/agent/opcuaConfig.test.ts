// Validation of the OPC UA part of the configuration: secure defaults, policies, allowInsecure, user identities,
// and errors that name the line and the key.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../main/agent/config/load.js';
import { problemsOf } from './configProblems.js';

function configWith(source: string): string {
  return `plant: "1010"
opcua:
  - name: line-plc
    endpoint: opc.tcp://10.0.0.5:4840
${source}    lines:
      - line: L1
        good: ns=1;s=L1.GoodCount
        scrap: ns=1;s=L1.ScrapCount
erp:
  kind: sap-odata
  baseUrl: http://127.0.0.1:4801
`;
}

const source = (text: string) => parseConfig(configWith(text), 'plant.yaml').opcua[0]!;

describe('OPC UA source configuration', () => {
  it('defaults to SignAndEncrypt, no explicit policy (Basic256Sha256 at run time), no insecure, anonymous', () => {
    expect(source('')).toMatchObject({ securityMode: 'SignAndEncrypt', allowInsecure: false, userIdentity: { type: 'anonymous' } });
    expect(source('').securityPolicy).toBeUndefined();
  });

  it.each(['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss', 'Basic128Rsa15', 'Basic256'])('accepts securityPolicy %s (deprecated ones are refused at connect time)', (policy) => {
    expect(source(`    securityPolicy: ${policy}\n`).securityPolicy).toBe(policy);
  });

  it('accepts securityMode None with allowInsecure, with or without policy None', () => {
    expect(source('    securityMode: None\n    allowInsecure: true\n')).toMatchObject({ securityMode: 'None', allowInsecure: true });
    expect(source('    securityMode: None\n    securityPolicy: None\n').securityPolicy).toBe('None');
  });

  it('rejects an unknown policy with the line and key', () => {
    expect(problemsOf(configWith('    securityPolicy: Basic512\n'))).toEqual([expect.stringMatching(/^plant\.yaml:5: opcua\[0\]\.securityPolicy: /)]);
  });

  it('rejects policy None with a secure mode, and a secure policy with mode None', () => {
    expect(problemsOf(configWith('    securityPolicy: None\n'))).toEqual([
      'plant.yaml:5: opcua[0].securityPolicy: None gives securityMode SignAndEncrypt no protection; use Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss',
    ]);
    expect(problemsOf(configWith('    securityMode: None\n    securityPolicy: Basic256Sha256\n'))).toEqual([
      'plant.yaml:6: opcua[0].securityPolicy: must be None (or left out) when securityMode is None, not Basic256Sha256',
    ]);
  });

  it('rejects allowInsecure that is not a boolean', () => {
    expect(problemsOf(configWith('    allowInsecure: "yes"\n'))).toEqual([expect.stringMatching(/^plant\.yaml:5: opcua\[0\]\.allowInsecure: /)]);
  });

  it('accepts username and certificate identities', () => {
    expect(source('    userIdentity:\n      type: username\n      username: op\n      password: s3cret\n').userIdentity).toEqual({ type: 'username', username: 'op', password: 's3cret' });
    expect(source('    userIdentity:\n      type: certificate\n      certificateFile: /etc/pd/user.pem\n      privateKeyFile: /etc/pd/user.key\n').userIdentity)
      .toEqual({ type: 'certificate', certificateFile: '/etc/pd/user.pem', privateKeyFile: '/etc/pd/user.key' });
  });

  it('names what is missing or unknown in a user identity', () => {
    expect(problemsOf(configWith('    userIdentity:\n      type: username\n      username: op\n'))).toEqual(['plant.yaml:5: opcua[0].userIdentity.password: is required']);
    expect(problemsOf(configWith('    userIdentity:\n      type: certificate\n      certificateFile: a.pem\n      keyFile: a.key\n'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/opcua\[0\]\.userIdentity\.keyFile: unknown key/)]),
    );
    expect(problemsOf(configWith('    userIdentity:\n      type: kerberos\n'))).toEqual([expect.stringMatching(/^plant\.yaml:\d+: opcua\[0\]\.userIdentity\.type: /)]);
  });
});
