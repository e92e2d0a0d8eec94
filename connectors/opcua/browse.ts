// Browsing a server's address space for mapping: the forward hierarchical references of one node, with the
// data type of each variable, following continuation points up to a limit.
import {
  AttributeIds, BrowseDirection, DataTypeIds, NodeClass, NodeId, ObjectIds, resolveNodeId, type ClientSession,
  type ReferenceDescription,
} from 'node-opcua';
import { BROWSE_MAX_REFERENCES, type BrowseReference, type NodeClassName } from '../../domain/index.js';

const DATA_TYPE_NAMES = new Map<number, string>(
  Object.entries(DataTypeIds).flatMap(([name, id]) => (typeof id === 'number' ? [[id, name] as const] : [])),
);

export class BrowseError extends Error {}

/** "UInt32" for a standard data type, else the type's node id. */
export function dataTypeName(dataType: unknown): string | null {
  if (!(dataType instanceof NodeId)) return null;
  if (dataType.namespace === 0 && typeof dataType.value === 'number') return DATA_TYPE_NAMES.get(dataType.value) ?? dataType.toString();
  return dataType.toString();
}

function nodeClassName(nodeClass: NodeClass): NodeClassName {
  return (NodeClass[nodeClass] as NodeClassName | undefined) ?? 'Unspecified';
}

export interface BrowseChildren {
  readonly nodeId: string;
  readonly references: BrowseReference[];
  readonly truncated: boolean;
}

export async function browseChildren(session: ClientSession, nodeId: string | undefined, limit = BROWSE_MAX_REFERENCES): Promise<BrowseChildren> {
  let node: NodeId;
  try {
    node = nodeId === undefined ? resolveNodeId(ObjectIds.ObjectsFolder) : resolveNodeId(nodeId);
  } catch {
    throw new BrowseError(`nodeId ${nodeId ?? ''} is not a node id (e.g. ns=1;s=Line1 or i=85)`);
  }
  let result = await session.browse({
    nodeId: node,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    nodeClassMask: 0,
    resultMask: 0x3f,
  });
  if (result.statusCode.isNotGood()) throw new BrowseError(`cannot browse ${node.toString()}: ${result.statusCode.name}`);
  const found: ReferenceDescription[] = [...(result.references ?? [])];
  while (result.continuationPoint && result.continuationPoint.length > 0 && found.length < limit) {
    result = await session.browseNext(result.continuationPoint, false);
    found.push(...(result.references ?? []));
  }
  let truncated = found.length > limit;
  if (result.continuationPoint && result.continuationPoint.length > 0) {
    truncated = true;
    await session.browseNext(result.continuationPoint, true).catch(() => undefined); // free it on the server
  }
  const references = found.slice(0, limit);
  const variables = references.filter((r) => r.nodeClass === NodeClass.Variable);
  const dataTypes = variables.length === 0 ? [] : await session.read(variables.map((r) => ({ nodeId: r.nodeId, attributeId: AttributeIds.DataType })));
  const typeOf = new Map(variables.map((r, i) => [r, dataTypeName(dataTypes[i]?.value.value)]));
  return {
    nodeId: node.toString(),
    truncated,
    references: references.map((r) => ({
      nodeId: r.nodeId.toString(),
      browseName: r.browseName.toString(),
      displayName: r.displayName.text ?? r.browseName.name ?? '',
      nodeClass: nodeClassName(r.nodeClass),
      dataType: typeOf.get(r) ?? null,
    })),
  };
}
