// OData V2 system query options for one entity set ($filter, $expand, $select, $orderby, $top, $skip,
// $inlinecount): parsed strictly, because a real Gateway rejects what it does not understand.
import { ERROR_CODES, ODataError } from './odataError.js';
import { checkFilter, matchesFilter, parseFilter, type FilterClause, type PropertyKinds } from './odataFilter.js';

export type Entity = Record<string, unknown>;

export interface EntityTypeInfo {
  readonly name: string;
  readonly kinds: PropertyKinds;
  readonly navigations: readonly string[];
}

export interface QueryOptions {
  readonly filter: readonly FilterClause[];
  readonly expand: ReadonlySet<string>;
  readonly select: readonly string[] | undefined;
  readonly orderBy: readonly { readonly field: string; readonly descending: boolean }[];
  readonly top: number | undefined;
  readonly skip: number;
  readonly inlineCount: boolean;
}

const KNOWN_OPTIONS = new Set(['$filter', '$expand', '$select', '$orderby', '$top', '$skip', '$format', '$inlinecount']);

function invalid(message: string): never {
  throw new ODataError(400, ERROR_CODES.invalidQuery, message);
}

function list(text: string | null): string[] {
  if (text === null || text.trim() === '') return [];
  return text.split(',').map((part) => part.trim());
}

function nonNegativeInt(name: string, text: string | null): number | undefined {
  if (text === null) return undefined;
  if (!/^\d{1,9}$/.test(text)) invalid(`Invalid value for ${name}: ${text}`);
  return Number(text);
}

export function parseQueryOptions(params: URLSearchParams, type: EntityTypeInfo): QueryOptions {
  for (const key of params.keys()) {
    if (key.startsWith('$') && !KNOWN_OPTIONS.has(key)) invalid(`System query option ${key} is not supported`);
  }
  const filterText = params.get('$filter');
  const filter = filterText === null ? [] : parseFilter(filterText);
  checkFilter(filter, type.kinds, type.name);

  const expand = new Set(list(params.get('$expand')));
  for (const nav of expand) {
    if (!type.navigations.includes(nav)) invalid(`Navigation property ${nav} not found in type ${type.name}`);
  }
  const selectText = params.get('$select');
  const select = selectText === null ? undefined : list(selectText);
  for (const field of select ?? []) {
    if (field !== '*' && !type.kinds.has(field) && !type.navigations.includes(field)) {
      invalid(`Property ${field} not found in type ${type.name}`);
    }
  }
  const orderBy = list(params.get('$orderby')).map((part) => {
    const [field = '', direction = 'asc', ...rest] = part.split(/\s+/);
    if (!type.kinds.has(field) || rest.length > 0 || (direction !== 'asc' && direction !== 'desc')) {
      invalid(`Invalid $orderby: ${part}`);
    }
    return { field, descending: direction === 'desc' };
  });
  const inlineCountText = params.get('$inlinecount');
  if (inlineCountText !== null && inlineCountText !== 'allpages' && inlineCountText !== 'none') {
    invalid(`Invalid value for $inlinecount: ${inlineCountText}`);
  }
  return {
    filter,
    expand,
    select,
    orderBy,
    top: nonNegativeInt('$top', params.get('$top')),
    skip: nonNegativeInt('$skip', params.get('$skip')) ?? 0,
    inlineCount: inlineCountText === 'allpages',
  };
}

/** Options for a single entity read: only $expand, $select and $format make sense there. */
export function parseEntityOptions(params: URLSearchParams, type: EntityTypeInfo): QueryOptions {
  for (const key of ['$filter', '$orderby', '$top', '$skip', '$inlinecount']) {
    if (params.has(key)) invalid(`System query option ${key} is not allowed on a single entity`);
  }
  return parseQueryOptions(params, type);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const numA = Number(a);
    const numB = Number(b);
    if (a !== '' && b !== '' && !Number.isNaN(numA) && !Number.isNaN(numB)) return numA - numB;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return Number(a) - Number(b);
}

/** Filters, orders and pages already-serialised entities, then applies $select. */
export function applyCollection(entities: readonly Entity[], options: QueryOptions): { results: Entity[]; count: number } {
  const matching = entities.filter((entity) => matchesFilter(entity, options.filter));
  if (options.orderBy.length > 0) {
    matching.sort((x, y) => {
      for (const { field, descending } of options.orderBy) {
        const order = compare(x[field], y[field]);
        if (order !== 0) return descending ? -order : order;
      }
      return 0;
    });
  }
  const end = options.top === undefined ? undefined : options.skip + options.top;
  const page = matching.slice(options.skip, end);
  return { results: page.map((entity) => applySelect(entity, options.select)), count: matching.length };
}

export function applySelect(entity: Entity, select: readonly string[] | undefined): Entity {
  if (select === undefined || select.length === 0 || select.includes('*')) return entity;
  const picked: Entity = {};
  if ('__metadata' in entity) picked.__metadata = entity.__metadata;
  for (const field of select) {
    if (field in entity) picked[field] = entity[field];
  }
  return picked;
}

/** The OData V2 JSON body for a collection: {"d":{"results":[...]}} with "__count" when asked for. */
export function collectionBody(entities: readonly Entity[], options: QueryOptions): unknown {
  const { results, count } = applyCollection(entities, options);
  return { d: options.inlineCount ? { __count: String(count), results } : { results } };
}
