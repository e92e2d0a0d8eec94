// Typed property tables for the simulated entity types: deserialising a posted JSON entity the way Gateway
// does (unknown property, wrong type or too long -> 400) and filling defaults for what was not sent.
import { formatDateTime, formatDecimal, isGuid, parseDateTime, parseDecimal } from './edm.js';
import { ERROR_CODES, ODataError } from './odataError.js';
import type { EdmKind, PropertyKinds } from './odataFilter.js';
import type { Entity } from './odataQuery.js';

export interface PropertySpec {
  readonly name: string;
  readonly kind: EdmKind;
  /** Max length of an Edm.String (Gateway rejects longer values rather than truncating them). */
  readonly maxLength?: number;
}

export interface EntityTable {
  readonly typeName: string;
  readonly properties: readonly PropertySpec[];
  readonly navigations: readonly string[];
}

export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
const EDM_TIME = /^PT(?:\d{1,2}H)?(?:\d{1,2}M)?(?:\d{1,2}(?:\.\d{1,7})?S)?$/;

export function kindsOf(table: EntityTable): PropertyKinds {
  return new Map(table.properties.map((p) => [p.name, p.kind]));
}

export function defaultValue(kind: EdmKind): unknown {
  switch (kind) {
    case 'string': return '';
    case 'decimal': return '0.000';
    case 'boolean': return false;
    case 'int': return 0;
    case 'datetime': return null;
    case 'time': return 'PT00H00M00S';
    case 'guid': return EMPTY_GUID;
  }
}

/** Every property of the type, with defaults where `values` has none: SAP returns full entities. */
export function withDefaults(table: EntityTable, values: Entity): Entity {
  const entity: Entity = {};
  for (const { name, kind } of table.properties) entity[name] = values[name] ?? defaultValue(kind);
  return entity;
}

function reject(table: EntityTable, name: string, message: string): never {
  throw new ODataError(400, ERROR_CODES.invalidValue, message, { propertyRef: `${table.typeName}/${name}` });
}

/** Checks one value against its spec and returns it in the canonical encoding SAP would echo. */
function normalise(table: EntityTable, spec: PropertySpec, value: unknown): unknown {
  const bad = (expected: string): never =>
    reject(table, spec.name, `Property ${spec.name} has invalid value ${JSON.stringify(value)}: expected ${expected}`);
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') return bad('Edm.String');
      if (spec.maxLength !== undefined && value.length > spec.maxLength) {
        return reject(table, spec.name, `Value of property ${spec.name} exceeds maximum length ${spec.maxLength}`);
      }
      return value;
    case 'decimal': {
      // OData V2 JSON carries Edm.Decimal as a string; a JSON number is a client bug worth surfacing.
      const milli = typeof value === 'string' ? parseDecimal(value) : undefined;
      return milli === undefined ? bad('Edm.Decimal as a string such as "12.5" (max 3 decimals)') : formatDecimal(milli);
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : bad('Edm.Boolean');
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) ? value : bad('Edm.Int32');
    case 'datetime': {
      const ms = typeof value === 'string' ? parseDateTime(value) : undefined;
      return ms === undefined ? bad('Edm.DateTime such as "/Date(1735689600000)/"') : formatDateTime(ms);
    }
    case 'time':
      return typeof value === 'string' && EDM_TIME.test(value) ? value : bad('Edm.Time such as "PT14H30M00S"');
    case 'guid':
      return typeof value === 'string' && isGuid(value) ? value.toLowerCase() : bad('Edm.Guid');
  }
}

/**
 * Deserialises a posted entity: returns the known properties normalised (null counts as not sent) and the
 * navigation values untouched, for the caller to validate.
 */
export function readEntity(table: EntityTable, body: unknown): { values: Entity; navigations: Entity } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ODataError(400, ERROR_CODES.malformedBody, `The request body for ${table.typeName} must be a JSON object`);
  }
  const specs = new Map(table.properties.map((p) => [p.name, p]));
  const values: Entity = {};
  const navigations: Entity = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === '__metadata') continue;
    if (table.navigations.includes(name)) {
      navigations[name] = value;
      continue;
    }
    const spec = specs.get(name);
    if (spec === undefined) reject(table, name, `Property ${name} is invalid for type ${table.typeName}`);
    if (value !== null) values[name] = normalise(table, spec, value);
  }
  return { values, navigations };
}

/** A navigation collection in a deep insert must be {"results":[...]} holding objects. */
export function readDeepCollection(table: EntityTable, name: string, value: unknown): unknown[] {
  const results = typeof value === 'object' && value !== null ? (value as { results?: unknown }).results : undefined;
  if (!Array.isArray(results)) {
    return reject(table, name, `Navigation property ${name} must be {"results":[...]}`);
  }
  return results;
}
