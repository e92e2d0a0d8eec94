// The exceptions workspace (issue 6): see exceptionsService.ts.
export { ExceptionsService } from './exceptionsService.js';
export type { ExceptionsDeps } from './deps.js';
export { ExceptionsConfigSchema, type ExceptionsConfig } from './configSchema.js';
