// Turns a source's configured user identity into what node-opcua's createSession takes; reads the X.509
// user certificate and key from disk, with errors that name the config key.
import { UserTokenType, type UserIdentityInfo } from 'node-opcua';
import { keyOperationsFromPrivateKey, readCertificate, readPrivateKey } from 'node-opcua-crypto';
import { leafCertificate } from './certificateInfo.js';
import type { OpcuaUserIdentity } from './security.js';

export class IdentityConfigError extends Error {}

export function toUserIdentityInfo(identity: OpcuaUserIdentity): UserIdentityInfo {
  switch (identity.type) {
    case 'anonymous':
      return { type: UserTokenType.Anonymous };
    case 'username':
      return { type: UserTokenType.UserName, userName: identity.username, password: identity.password };
    case 'certificate': {
      let certificateData: Buffer;
      try {
        certificateData = leafCertificate(readCertificate(identity.certificateFile));
      } catch (error) {
        throw new IdentityConfigError(`userIdentity.certificateFile ${identity.certificateFile} cannot be read as a certificate: ${(error as Error).message}`);
      }
      try {
        return { type: UserTokenType.Certificate, certificateData, keyOperations: keyOperationsFromPrivateKey(readPrivateKey(identity.privateKeyFile)) };
      } catch (error) {
        throw new IdentityConfigError(`userIdentity.privateKeyFile ${identity.privateKeyFile} cannot be read as a private key: ${(error as Error).message}`);
      }
    }
  }
}
