// One write on an open session: read the node's DataType, ValueRank and current value, check the value against
// the type, let the caller put the intent on record, write, and read the value back.
import { AttributeIds, DataType, resolveNodeId, type ClientSession, type NodeId } from 'node-opcua';
import { dataTypeName } from './browse.js';
import { describeWriteStatus, isGood, OpcuaWriteError, toPlainValue, toWriteVariant, type PlainValue, type WriteValue } from './writeValue.js';

/** What is about to be written; handed to the caller before the write is sent. */
export interface WritePlan {
  readonly nodeId: string;
  /** The node's DataType as the server reports it, e.g. "String". */
  readonly dataType: string;
  readonly valueBefore: PlainValue;
  readonly value: WriteValue;
}

export interface WriteOutcome extends WritePlan {
  readonly good: boolean;
  /** The StatusCode's name, e.g. "Good" or "BadUserAccessDenied". */
  readonly statusCode: string;
  /** Plain words for a status other than Good, else null. */
  readonly problem: string | null;
  /** Read back after the write (null when the read failed). */
  readonly valueAfter: PlainValue;
}

export interface WriteSteps {
  /** Called with the plan before anything is sent; a throw stops the write (e.g. the audit entry could not be written). */
  readonly beforeWrite: (plan: WritePlan) => void;
  /** Called right before beforeWrite; throws when the connection is no longer up, so nothing is held for later. */
  readonly assertConnected: () => void;
}

function parseNodeId(nodeId: string): NodeId {
  try {
    return resolveNodeId(nodeId);
  } catch {
    throw new OpcuaWriteError('node', `${nodeId} is not a node id (e.g. ns=1;s=L1.DispatchOrder)`);
  }
}

export async function writeNodeValue(session: ClientSession, nodeId: string, value: WriteValue, steps: WriteSteps): Promise<WriteOutcome> {
  const node = parseNodeId(nodeId);
  const [dataTypeRead, valueRankRead, valueRead] = await session.read([
    { nodeId: node, attributeId: AttributeIds.DataType },
    { nodeId: node, attributeId: AttributeIds.ValueRank },
    { nodeId: node, attributeId: AttributeIds.Value },
  ]);
  if (!dataTypeRead || !isGood(dataTypeRead.statusCode)) {
    throw new OpcuaWriteError('node', `cannot read the data type of ${nodeId}: ${dataTypeRead ? describeWriteStatus(dataTypeRead.statusCode) : 'no answer'}`);
  }
  // A subtype (e.g. an enumeration or a vendor string type) is written as the built-in type it derives from.
  const dataType: DataType = await session.getBuiltInDataType(node);
  const declared = dataTypeName(dataTypeRead.value.value) ?? DataType[dataType] ?? String(dataType);
  const valueRank = valueRankRead && isGood(valueRankRead.statusCode) ? Number(valueRankRead.value.value) : -1;
  const variant = toWriteVariant(nodeId, dataType, valueRank, value);
  const plan: WritePlan = { nodeId, dataType: declared, valueBefore: valueRead && isGood(valueRead.statusCode) ? toPlainValue(valueRead.value.value) : null, value };
  // Both synchronous, with no await before the write is handed to node-opcua: the connection checked is the one used,
  // and a refusal here leaves no intent on record without an outcome.
  steps.assertConnected();
  steps.beforeWrite(plan);
  const statusCode = await session.write({ nodeId: node, attributeId: AttributeIds.Value, value: { value: variant } });
  const good = isGood(statusCode);
  const readBack = await session.read({ nodeId: node, attributeId: AttributeIds.Value }).catch(() => undefined);
  return {
    ...plan,
    good,
    statusCode: statusCode.name,
    problem: good ? null : describeWriteStatus(statusCode),
    valueAfter: readBack && isGood(readBack.statusCode) ? toPlainValue(readBack.value.value) : null,
  };
}
