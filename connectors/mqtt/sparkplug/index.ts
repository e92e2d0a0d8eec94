// Public face of the Sparkplug B host: the pure state machine, the MQTT-side functions and their types.
export { SparkplugHost, type SparkplugHostOptions } from './host.js';
export {
  executeSparkplugActions, hostStateDeath, hostStatePayload, sparkplugHostSession,
  type SparkplugActionOutcome, type SparkplugHostSession, type SparkplugPublishFunction,
} from './mqttHost.js';
export { hostStateTopic, ncmdTopic, parseSparkplugTopic, sparkplugSubscriptions, SPARKPLUG_NAMESPACE } from './topic.js';
export * from './types.js';
