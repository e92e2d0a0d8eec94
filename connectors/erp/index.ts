// Public face of the ERP connectors: the adapter interface and the SAP S/4HANA OData V2 adapter.
export * from './adapter.js';
export { createSapODataAdapter, type SapODataOptions } from './sapOdata.js';
