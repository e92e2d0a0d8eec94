// Public face of the domain: canonical model, lifecycle, validation, mapping and the API contract.
export * from './confirmation.js';
export * from './lifecycle.js';
export * from './order.js';
export * from './validation.js';
export * from './rules/index.js';
export * from './mapping/mesJson.js';
export * from './api.js';
