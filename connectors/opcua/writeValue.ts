// Writing one value to a node: the value is checked against the node's DataType as the server reports it
// (pure, so it is unit-tested without a server), and the server's StatusCode is said in plain words.
import { DataType, StatusCodes, Variant, type StatusCode } from 'node-opcua';

export type WriteValue = string | number | boolean;
/** A node's value as PlantDesk shows it: scalars of the built-in types; anything else is null. */
export type PlainValue = string | number | boolean | null;

/** Why a write was not sent, or what the server answered. */
export class OpcuaWriteError extends Error {
  constructor(
    readonly kind: 'not_writable' | 'bad_value' | 'unsupported' | 'node',
    message: string,
  ) {
    super(message);
  }
}

const INTEGER_RANGES: ReadonlyMap<DataType, readonly [number, number]> = new Map([
  [DataType.SByte, [-128, 127]],
  [DataType.Byte, [0, 255]],
  [DataType.Int16, [-32_768, 32_767]],
  [DataType.UInt16, [0, 65_535]],
  [DataType.Int32, [-2_147_483_648, 2_147_483_647]],
  [DataType.UInt32, [0, 4_294_967_295]],
  // 64-bit integers: as far as a JSON number carries them exactly.
  [DataType.Int64, [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]],
  [DataType.UInt64, [0, Number.MAX_SAFE_INTEGER]],
]);
const FLOAT_MAX = 3.4028234663852886e38;

/** The built-in types PlantDesk writes: what a PLC exposes for orders, counters, setpoints and switches. */
export const WRITABLE_TYPES: readonly string[] = ['Boolean', ...[...INTEGER_RANGES.keys()].map((t) => DataType[t]), 'Float', 'Double', 'String'];

const describe = (value: WriteValue): string => (typeof value === 'string' ? `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}` : `the ${typeof value} ${String(value)}`);

/**
 * The Variant to write, or an OpcuaWriteError naming the node, the expected type and what was given. No silent
 * conversions: a number for a String node or "42" for a UInt32 node is refused, as a PLC program would see a
 * different value than the one the supervisor typed.
 */
export function toWriteVariant(nodeId: string, dataType: DataType, valueRank: number, value: WriteValue): Variant {
  const typeName = DataType[dataType] ?? `DataType ${dataType}`;
  if (valueRank !== -1 && valueRank !== -2) {
    throw new OpcuaWriteError('unsupported', `${nodeId} holds an array (ValueRank ${valueRank}); PlantDesk writes single values only`);
  }
  const refuse = (expected: string): never => {
    throw new OpcuaWriteError('bad_value', `${nodeId} expects ${expected}, not ${describe(value)}`);
  };
  const range = INTEGER_RANGES.get(dataType);
  if (range) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) refuse(`a ${typeName}: a whole number from ${range[0]} to ${range[1]}`);
    return new Variant({ dataType, value });
  }
  switch (dataType) {
    case DataType.Boolean:
      if (typeof value !== 'boolean') refuse('a Boolean: true or false');
      return new Variant({ dataType, value });
    case DataType.Float:
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > FLOAT_MAX) refuse('a Float: a finite number within ±3.4e38');
      return new Variant({ dataType, value });
    case DataType.Double:
      if (typeof value !== 'number' || !Number.isFinite(value)) refuse('a Double: a finite number');
      return new Variant({ dataType, value });
    case DataType.String:
      if (typeof value !== 'string') refuse('a String: text in quotes');
      return new Variant({ dataType, value });
    default:
      throw new OpcuaWriteError('unsupported', `${nodeId} has the data type ${typeName}, which PlantDesk does not write (it writes ${WRITABLE_TYPES.join(', ')})`);
  }
}

/** A read value as PlantDesk shows it; 64-bit integers arrive as [high, low] words. */
export function toPlainValue(value: unknown): PlainValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return (value[0] as number) * 2 ** 32 + (value[1] as number);
  return null;
}

const STATUS_WORDS: Readonly<Record<string, string>> = {
  BadUserAccessDenied: "the server does not let PlantDesk's user write this node; give the source's userIdentity write rights on the server",
  BadNotWritable: 'the node is read-only on the server (its access level does not allow writing)',
  BadTypeMismatch: "the server refused the value's type: it does not match the node's data type",
  BadOutOfRange: "the value is outside the node's allowed range",
  BadNodeIdUnknown: 'the server has no node with this id',
  BadNodeIdInvalid: 'the server does not accept this node id',
  BadWriteNotSupported: 'the server does not support writing this node (or this kind of value, e.g. with a timestamp)',
  BadAttributeIdInvalid: 'the node has no value to write (it is not a variable)',
  BadSecurityModeInsufficient: 'the server allows this write only over a signed and encrypted connection',
  BadTimeout: 'the server did not answer in time; read the node to see whether the value landed',
  BadSessionClosed: 'the session closed during the write; read the node to see whether the value landed',
  BadConnectionClosed: 'the connection closed during the write; read the node to see whether the value landed',
};

/** e.g. "BadNotWritable: the node is read-only on the server (...)". */
export function describeWriteStatus(statusCode: StatusCode): string {
  const name = statusCode.name;
  const words = STATUS_WORDS[name] ?? (statusCode.description || 'the server refused the write');
  return `${name}: ${words}`;
}

export const isGood = (statusCode: StatusCode): boolean => statusCode.value === StatusCodes.Good.value;
