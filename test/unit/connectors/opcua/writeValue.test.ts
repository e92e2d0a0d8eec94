// The value check of an OPC UA write against the node's DataType (no silent conversions, ranges per type), the
// plain words for the server's StatusCodes, and read values as the console shows them.
import { DataType, StatusCodes } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { describeWriteStatus, OpcuaWriteError, toPlainValue, toWriteVariant } from '../../../../connectors/opcua/writeValue.js';

const NODE = 'ns=1;s=L1.Setpoint';
const SCALAR = -1;

const refusal = (dataType: DataType, value: string | number | boolean, valueRank = SCALAR): OpcuaWriteError => {
  try {
    toWriteVariant(NODE, dataType, valueRank, value);
  } catch (error) {
    if (error instanceof OpcuaWriteError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused for ${DataType[dataType]}`);
};

describe('toWriteVariant', () => {
  it('builds a Variant of the node type for a fitting value', () => {
    expect(toWriteVariant(NODE, DataType.String, SCALAR, '1000123')).toMatchObject({ dataType: DataType.String, value: '1000123' });
    expect(toWriteVariant(NODE, DataType.UInt32, SCALAR, 4_294_967_295)).toMatchObject({ dataType: DataType.UInt32, value: 4_294_967_295 });
    expect(toWriteVariant(NODE, DataType.Int16, SCALAR, -32_768)).toMatchObject({ dataType: DataType.Int16, value: -32_768 });
    expect(toWriteVariant(NODE, DataType.Boolean, SCALAR, false)).toMatchObject({ dataType: DataType.Boolean, value: false });
    expect(toWriteVariant(NODE, DataType.Double, SCALAR, 12.5)).toMatchObject({ dataType: DataType.Double, value: 12.5 });
    expect(toWriteVariant(NODE, DataType.Float, SCALAR, 1.5)).toMatchObject({ dataType: DataType.Float, value: 1.5 });
    // ValueRank -2 (scalar or array) takes a scalar.
    expect(toWriteVariant(NODE, DataType.Byte, -2, 7)).toMatchObject({ dataType: DataType.Byte, value: 7 });
    // 64-bit integers as far as JSON numbers are exact; node-opcua carries them as [high, low].
    expect(toWriteVariant(NODE, DataType.UInt64, SCALAR, 2 ** 40).value).toEqual([256, 0]);
  });

  it('refuses other JSON types, naming node, expected type and the value given', () => {
    expect(refusal(DataType.String, 1000123).message).toBe(`${NODE} expects a String: text in quotes, not the number 1000123`);
    expect(refusal(DataType.UInt32, '42').message).toBe(`${NODE} expects a UInt32: a whole number from 0 to 4294967295, not the text "42"`);
    expect(refusal(DataType.Boolean, 1).message).toBe(`${NODE} expects a Boolean: true or false, not the number 1`);
    expect(refusal(DataType.Double, 'x').kind).toBe('bad_value');
  });

  it('refuses integers out of range or with a fraction, and floats beyond the type', () => {
    expect(refusal(DataType.Byte, 256).message).toMatch(/expects a Byte: a whole number from 0 to 255, not the number 256/);
    expect(refusal(DataType.UInt16, -1).message).toMatch(/expects a UInt16/);
    expect(refusal(DataType.Int32, 2_147_483_648).message).toMatch(/from -2147483648 to 2147483647/);
    expect(refusal(DataType.UInt32, 1.5).message).toMatch(/not the number 1\.5/);
    expect(refusal(DataType.Int64, 2 ** 60).message).toMatch(/expects a Int64/);
    expect(refusal(DataType.Float, 1e39).message).toMatch(/expects a Float: a finite number within ±3\.4e38/);
  });

  it('refuses arrays and types PlantDesk does not write, saying which it writes', () => {
    expect(refusal(DataType.String, 'x', 1)).toMatchObject({ kind: 'unsupported', message: `${NODE} holds an array (ValueRank 1); PlantDesk writes single values only` });
    expect(refusal(DataType.DateTime, '2026-01-01').message).toBe(
      `${NODE} has the data type DateTime, which PlantDesk does not write (it writes Boolean, SByte, Byte, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float, Double, String)`,
    );
  });

  it('cuts a long text in the message', () => {
    expect(refusal(DataType.UInt32, 'y'.repeat(100)).message).toContain(`"${'y'.repeat(40)}…"`);
  });
});

describe('describeWriteStatus', () => {
  it('says the common refusals in plain words with the code', () => {
    expect(describeWriteStatus(StatusCodes.BadUserAccessDenied)).toMatch(/^BadUserAccessDenied: the server does not let PlantDesk's user write this node/);
    expect(describeWriteStatus(StatusCodes.BadNotWritable)).toBe('BadNotWritable: the node is read-only on the server (its access level does not allow writing)');
    expect(describeWriteStatus(StatusCodes.BadTypeMismatch)).toMatch(/^BadTypeMismatch: the server refused the value's type/);
    expect(describeWriteStatus(StatusCodes.BadOutOfRange)).toMatch(/outside the node's allowed range/);
  });

  it("falls back to the specification's description for other codes", () => {
    expect(describeWriteStatus(StatusCodes.BadTooManyOperations)).toBe(`BadTooManyOperations: ${StatusCodes.BadTooManyOperations.description}`);
  });
});

describe('toPlainValue', () => {
  it('keeps scalars, joins 64-bit words and gives null for the rest', () => {
    expect(toPlainValue('1000123')).toBe('1000123');
    expect(toPlainValue(42)).toBe(42);
    expect(toPlainValue(true)).toBe(true);
    expect(toPlainValue([1, 5])).toBe(2 ** 32 + 5);
    expect(toPlainValue(null)).toBeNull();
    expect(toPlainValue({ a: 1 })).toBeNull();
  });
});
