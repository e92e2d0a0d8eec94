// Public face of the local store: open the database, then small functions over the typed handle.
export * from './database.js';
export * from './rawMessages.js';
export * from './events.js';
export * from './statusCounts.js';
export * from './orders.js';
export * from './audit.js';
export * from './groupCommit.js';
export * from './rejected.js';
export * from './replay.js';
export * from './enterpriseOutbox.js';
export * from './backup.js';
export * from './integrity.js';
export * from './retention.js';
export * from './exceptionRules.js';
