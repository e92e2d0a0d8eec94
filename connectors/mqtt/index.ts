// Public face of the MQTT connector.
export * from './mqttSource.js';
export { topicMatches } from './topicFilter.js';
