// The small slice of OData V2 URL syntax the adapter needs: `$filter` as `Field eq <literal>` clauses joined
// by `and`, and key predicates such as ('1000001') or (ConfirmationGroup='..',ConfirmationCount='..').
import { ERROR_CODES, ODataError } from './odataError.js';
import { isGuid } from './edm.js';

export type EdmKind = 'string' | 'guid' | 'boolean' | 'decimal' | 'datetime' | 'time' | 'int';
/** Property name -> Edm kind, for one entity type. Navigation properties are not listed. */
export type PropertyKinds = ReadonlyMap<string, EdmKind>;

export type Literal =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'guid'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean };

export interface FilterClause {
  readonly field: string;
  readonly literal: Literal;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new ODataError(400, ERROR_CODES.invalidQuery, `Invalid ${what} at position ${this.pos}: ${this.text}`);
  }
  skipSpaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  identifier(what: string): string {
    IDENTIFIER.lastIndex = this.pos;
    const match = IDENTIFIER.exec(this.text);
    if (!match) this.fail(what);
    this.pos += match[0].length;
    return match[0];
  }
  expect(token: string, what: string): void {
    if (!this.text.startsWith(token, this.pos)) this.fail(what);
    this.pos += token.length;
  }
  /** 'text' with '' as an escaped quote; guid'…'; true; false. */
  literal(): Literal {
    if (this.text.startsWith('guid\'', this.pos)) {
      this.pos += 4;
      const value = this.quoted();
      if (!isGuid(value)) this.fail('guid literal');
      return { kind: 'guid', value: value.toLowerCase() };
    }
    if (this.text[this.pos] === '\'') return { kind: 'string', value: this.quoted() };
    for (const value of [true, false]) {
      const word = String(value);
      const next = this.text[this.pos + word.length];
      if (this.text.startsWith(word, this.pos) && (next === undefined || next === ' ' || next === ',')) {
        this.pos += word.length;
        return { kind: 'boolean', value };
      }
    }
    return this.fail('literal (only \'string\', guid\'…\', true and false are supported)');
  }
  private quoted(): string {
    this.expect('\'', 'string literal');
    let value = '';
    for (;;) {
      const quote = this.text.indexOf('\'', this.pos);
      if (quote < 0) this.fail('unterminated string literal');
      value += this.text.slice(this.pos, quote);
      this.pos = quote + 1;
      if (this.text[this.pos] !== '\'') return value;
      value += '\'';
      this.pos++;
    }
  }
}

/** Parses `A eq 'x' and B eq guid'…'`; anything else (or, ne, functions, parentheses) is rejected with 400. */
export function parseFilter(text: string): FilterClause[] {
  const scanner = new Scanner(text);
  const clauses: FilterClause[] = [];
  for (;;) {
    scanner.skipSpaces();
    const field = scanner.identifier('property name in $filter');
    scanner.expect(' eq ', 'operator in $filter (only "eq" is supported)');
    scanner.skipSpaces();
    clauses.push({ field, literal: scanner.literal() });
    scanner.skipSpaces();
    if (scanner.atEnd()) return clauses;
    scanner.expect('and ', '$filter conjunction (only "and" is supported)');
  }
}

/** Rejects properties the entity type does not have and literals of the wrong type, as Gateway does. */
export function checkFilter(clauses: readonly FilterClause[], kinds: PropertyKinds, entityType: string): void {
  for (const { field, literal } of clauses) {
    const kind = kinds.get(field);
    if (kind === undefined) {
      throw new ODataError(400, ERROR_CODES.invalidQuery, `Property ${field} not found in type ${entityType}`);
    }
    if (kind !== literal.kind) {
      throw new ODataError(400, ERROR_CODES.invalidQuery, `Invalid filter: ${field} is Edm.${edmName(kind)}, literal is Edm.${edmName(literal.kind)}`);
    }
  }
}

export function matchesFilter(entity: Readonly<Record<string, unknown>>, clauses: readonly FilterClause[]): boolean {
  return clauses.every(({ field, literal }) => {
    const actual = entity[field];
    if (literal.kind === 'guid') return typeof actual === 'string' && actual.toLowerCase() === literal.value;
    return actual === literal.value;
  });
}

/** `('1000001')` gives {'' -> '1000001'}; `(A='1',B='2')` gives {A -> '1', B -> '2'}. Input excludes the parentheses. */
export function parseKeyPredicate(text: string): Map<string, Literal> {
  const scanner = new Scanner(text);
  const keys = new Map<string, Literal>();
  if (text.startsWith('\'') || text.startsWith('guid\'')) {
    keys.set('', scanner.literal());
  } else {
    for (;;) {
      const name = scanner.identifier('key property name');
      scanner.expect('=', 'key predicate');
      keys.set(name, scanner.literal());
      if (scanner.atEnd()) break;
      scanner.expect(',', 'key predicate');
    }
  }
  if (!scanner.atEnd()) scanner.fail('key predicate');
  return keys;
}

function edmName(kind: EdmKind): string {
  const names: Record<EdmKind, string> = {
    string: 'String', guid: 'Guid', boolean: 'Boolean', decimal: 'Decimal', datetime: 'DateTime', time: 'Time', int: 'Int32',
  };
  return names[kind];
}
