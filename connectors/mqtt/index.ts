// Public face of the MQTT connector.
export * from './mqttSource.js';
export { topicMatches } from './topicFilter.js';
export * from './sparkplugSource.js';
export { displayUrl } from './errors.js';
export { startEnterpriseLink, type EnterpriseLink, type EnterpriseLinkOptions, type EnterpriseSession } from './enterpriseLink.js';
export * from './enterpriseMessage.js';
