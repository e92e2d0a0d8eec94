// Public face of the OPC UA connector.
export * from './opcuaSource.js';
