// Turns the raw protobuf value fields of a metric, property or DataSet cell into a JSON-safe SparkplugValue,
// interpreted by a datatype code (from the BIRTH when a DATA message leaves it out). Never throws.
import { Payload, has, type RawDataSet, type RawPropertySet, type RawPropertySetList, type RawTemplate } from './payload.js';
import { SPARKPLUG_DATATYPES, type SparkplugDataType, type SparkplugValue } from './types.js';

/** The value-carrying fields shared by Metric, PropertyValue, DataSetValue and Template.Parameter. */
export interface ValueFields {
  isNull?: boolean | null;
  intValue?: number | null;
  longValue?: unknown;
  floatValue?: number | null;
  doubleValue?: number | null;
  booleanValue?: boolean | null;
  stringValue?: string | null;
  bytesValue?: Uint8Array | null;
  datasetValue?: RawDataSet | null;
  templateValue?: RawTemplate | null;
  propertysetValue?: RawPropertySet | null;
  propertysetsValue?: RawPropertySetList | null;
  extensionValue?: unknown;
}

type ValueField = Exclude<keyof ValueFields, 'isNull'>;
const VALUE_FIELDS: readonly ValueField[] = [
  'intValue', 'longValue', 'floatValue', 'doubleValue', 'booleanValue', 'stringValue', 'bytesValue',
  'datasetValue', 'templateValue', 'propertysetValue', 'propertysetsValue', 'extensionValue',
];

export type Conversion = { readonly ok: true; readonly value: SparkplugValue } | { readonly ok: false; readonly reason: string };

const MAX_DEPTH = 16;
const ok = (value: SparkplugValue): Conversion => ({ ok: true, value });
const fail = (reason: string): Conversion => ({ ok: false, reason });

export function datatypeName(code: number): SparkplugDataType | undefined {
  return Number.isInteger(code) && code > 0 ? SPARKPLUG_DATATYPES[code] : undefined;
}

/** uint64 as protobufjs hands it over (a number, or a Long from its own copy of long.js) -> unsigned bigint. */
export function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: unknown; high: unknown };
    if (typeof low === 'number' && typeof high === 'number') return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  }
  return undefined;
}

/** A number when it is exact, else its decimal string (JSON has no 64-bit integers). */
export function bigToJson(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}

function finite(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** A float32 as the shortest decimal that reads back as the same float32 (1.1, not 1.100000023841858). */
function float32(value: number): number | string {
  if (!Number.isFinite(value)) return String(value);
  for (let digits = 1; digits <= 9; digits++) {
    const short = Number(value.toPrecision(digits));
    if (Math.fround(short) === value) return short;
  }
  return value;
}

/** [bits, signed] of the integer datatypes (DateTime is epoch ms in a uint64). */
const INTEGER: Readonly<Record<number, readonly [number, boolean]>> = {
  1: [8, true], 2: [16, true], 3: [32, true], 4: [64, true], 5: [8, false], 6: [16, false], 7: [32, false], 8: [64, false], 13: [64, false],
};

/** Element size and reader of the little-endian packed array types (Sparkplug 3.0, carried in bytes_value). */
const ARRAY: Readonly<Record<number, readonly [number, (view: DataView, offset: number) => SparkplugValue]>> = {
  22: [1, (v, o) => v.getInt8(o)],
  23: [2, (v, o) => v.getInt16(o, true)],
  24: [4, (v, o) => v.getInt32(o, true)],
  25: [8, (v, o) => bigToJson(v.getBigInt64(o, true))],
  26: [1, (v, o) => v.getUint8(o)],
  27: [2, (v, o) => v.getUint16(o, true)],
  28: [4, (v, o) => v.getUint32(o, true)],
  29: [8, (v, o) => bigToJson(v.getBigUint64(o, true))],
  30: [4, (v, o) => float32(v.getFloat32(o, true))],
  31: [8, (v, o) => finite(v.getFloat64(o, true))],
  34: [8, (v, o) => bigToJson(v.getBigInt64(o, true))],
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function packedArray(datatype: number, bytes: Uint8Array): Conversion {
  if (datatype === 32) return ok(base64(bytes)); // BooleanArray: count + packed bits, passed on as base64
  if (datatype === 33) {
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return fail('StringArray is not valid UTF-8');
    }
    const items = text.split('\0');
    if (items.at(-1) === '') items.pop();
    return ok(items);
  }
  const [size, read] = ARRAY[datatype] ?? [0, () => null];
  if (size === 0) return fail(`unsupported datatype ${datatype}`);
  if (bytes.byteLength % size !== 0) return fail(`${datatypeName(datatype)} of ${bytes.byteLength} bytes is not a whole number of ${size}-byte elements`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: SparkplugValue[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += size) values.push(read(view, offset));
  return ok(values);
}

function dataSet(raw: RawDataSet, depth: number): Conversion {
  const columns = raw.columns ?? [];
  const types = raw.types ?? [];
  const declared = has(raw, 'numOfColumns') ? toBigInt(raw.numOfColumns) : BigInt(columns.length);
  if (declared !== BigInt(columns.length) || types.length !== columns.length) {
    return fail(`DataSet declares ${String(declared)} columns but names ${columns.length} and types ${types.length}`);
  }
  const rows: SparkplugValue[][] = [];
  for (const [r, row] of (raw.rows ?? []).entries()) {
    const elements = row.elements ?? [];
    if (elements.length !== columns.length) return fail(`DataSet row ${r + 1} has ${elements.length} cells for ${columns.length} columns`);
    const cells: SparkplugValue[] = [];
    for (const [c, element] of elements.entries()) {
      const cell = convertValue(element, types[c] ?? 0, depth + 1);
      if (!cell.ok) return fail(`DataSet row ${r + 1} column ${columns[c]}: ${cell.reason}`);
      cells.push(cell.value);
    }
    rows.push(cells);
  }
  return ok({ columns: [...columns], types: types.map((t) => datatypeName(t) ?? 'Unknown'), rows });
}

/** A PropertySet as { key: value }; engineering units and similar arrive here. */
export function propertySet(raw: RawPropertySet, depth = 0): Conversion {
  if (depth > MAX_DEPTH) return fail('property sets nested too deep');
  const keys = raw.keys ?? [];
  const values = raw.values ?? [];
  if (keys.length !== values.length) return fail(`property set has ${keys.length} keys and ${values.length} values`);
  const result: Record<string, SparkplugValue> = {};
  for (const [i, key] of keys.entries()) {
    const property = values[i] ?? {};
    const value = convertValue(property, property.type ?? 0, depth + 1);
    if (!value.ok) return fail(`property ${key}: ${value.reason}`);
    result[key] = value.value;
  }
  return ok(result);
}

/**
 * The value of `fields` read as `datatype`. isNull gives null, and so does a message with no value field at all
 * (a BIRTH must send one or the other; we do not reject it for that). A value field that does not fit the datatype
 * (a string for an Int32) is a reason, not a guess.
 */
export function convertValue(fields: ValueFields, datatype: number, depth = 0): Conversion {
  if (depth > MAX_DEPTH) return fail('values nested too deep');
  if (fields.isNull === true) return ok(null);
  const carried = VALUE_FIELDS.find((field) => has(fields, field));
  if (carried === undefined) return ok(null);
  const name = datatypeName(datatype);
  const wrong = (): Conversion => fail(`declared ${name ?? `datatype ${datatype}`} but carries ${carried}`);

  const integer = INTEGER[datatype];
  if (integer) {
    if (carried !== 'intValue' && carried !== 'longValue') return wrong();
    const raw = toBigInt(fields[carried]);
    if (raw === undefined) return wrong();
    const [bits, signed] = integer;
    return ok(bigToJson(signed ? BigInt.asIntN(bits, raw) : BigInt.asUintN(bits, raw)));
  }
  if (ARRAY[datatype] || datatype === 32 || datatype === 33) {
    return carried === 'bytesValue' && fields.bytesValue ? packedArray(datatype, fields.bytesValue) : wrong();
  }
  switch (datatype) {
    case 9: // Float
    case 10: // Double
      if (carried === 'floatValue' && typeof fields.floatValue === 'number') return ok(float32(fields.floatValue));
      if (carried === 'doubleValue' && typeof fields.doubleValue === 'number') return ok(finite(fields.doubleValue));
      return wrong();
    case 11:
      return carried === 'booleanValue' ? ok(fields.booleanValue === true) : wrong();
    case 12: // String
    case 14: // Text
    case 15: // UUID
      return carried === 'stringValue' ? ok(fields.stringValue ?? '') : wrong();
    case 17: // Bytes
    case 18: // File
      return carried === 'bytesValue' && fields.bytesValue ? ok(base64(fields.bytesValue)) : wrong();
    case 16:
      return carried === 'datasetValue' && fields.datasetValue ? dataSet(fields.datasetValue, depth) : wrong();
    case 19:
      // Templates (UDT definitions and instances) pass on in protobuf's JSON form; members may omit datatypes.
      return carried === 'templateValue' && fields.templateValue
        ? ok(Payload.Template.toObject(Payload.Template.fromObject(fields.templateValue), { longs: String, bytes: String, json: true }) as SparkplugValue)
        : wrong();
    case 20:
      return carried === 'propertysetValue' && fields.propertysetValue ? propertySet(fields.propertysetValue, depth + 1) : wrong();
    case 21: {
      if (carried !== 'propertysetsValue' || !fields.propertysetsValue) return wrong();
      const sets: SparkplugValue[] = [];
      for (const set of fields.propertysetsValue.propertyset ?? []) {
        const value = propertySet(set, depth + 1);
        if (!value.ok) return value;
        sets.push(value.value);
      }
      return ok(sets);
    }
    default:
      return fail(name ? `unsupported datatype ${name}` : `unknown datatype ${datatype}`);
  }
}
