// Public face of the OPC UA connector.
export * from './opcuaSource.js';
export { OpcuaPki, type TrustOutcome } from './pki.js';
export { BrowseError, type BrowseChildren } from './browse.js';
export {
  SECURITY_MODES, SECURITY_POLICIES, SECURE_POLICIES, INSECURE_POLICIES, securityRefusal, securityWarning,
  type OpcuaSecurityMode, type OpcuaSecurityPolicy, type OpcuaUserIdentity,
} from './security.js';
export { OpcuaWriteError, WRITABLE_TYPES, describeWriteStatus, toWriteVariant, type PlainValue, type WriteValue } from './writeValue.js';
export type { WriteOutcome, WritePlan } from './writeNode.js';
