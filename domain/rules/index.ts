// Validation rules (issue 6): the catalogue, the rules, the context they read and the unit conversion per order.
export * from './catalogue.js';
export * from './orderFacts.js';
export * from './context.js';
export * from './confirmationRules.js';
export * from './materialUnits.js';
export * from './validateEvent.js';
