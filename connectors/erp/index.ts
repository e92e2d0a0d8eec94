// Public face of the ERP connectors: the adapter interface, the SAP S/4HANA OData V2 and REST JSON adapters, and
// the factory that picks one from configuration.
export * from './adapter.js';
export { createSapODataAdapter, type SapODataOptions, type OAuth2ClientCredentials } from './sapOdata.js';
export { createRestJsonAdapter, type RestJsonOptions } from './restJson.js';
export { createErpAdapter, type ErpAdapterConfig } from './createErpAdapter.js';
export { parseRetryAfter } from './httpFailure.js';
