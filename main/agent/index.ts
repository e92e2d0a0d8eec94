// The agent's entry point for its hosts (main/console, main/shell's utility process).
export { startAgent, opcuaPkiDir, type Agent, type AgentOptions } from './agent.js';
export { loadConfigFile, parseConfig, ConfigError } from './config/load.js';
export { ConfigSchema, type AgentConfig, type AgentConfigInput } from './config/schema.js';
export { createLogger, type Logger } from './logger.js';
export { handleApiRequest, attachApiWebSocket } from './httpApi.js';
export { openApiConnection, callApi } from './apiDispatch.js';
export { NewerDatabaseError, MigrationBackupError } from '../../local-store/index.js';
