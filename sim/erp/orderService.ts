// API_PRODUCTION_ORDER_2_SRV (ERP-CONTRACT B), read-only: released orders for a plant with their operations
// and components, one order by key, and the operation and component sets on their own.
import type { ErpState, OrderState } from './erpState.js';
import { ERROR_CODES, ODataError } from './odataError.js';
import { collectionBody, parseEntityOptions, parseQueryOptions, applySelect, type Entity, type EntityTypeInfo } from './odataQuery.js';
import { COMPONENT_TYPE, OPERATION_TYPE, ORDER_TYPE, serializeComponents, serializeOperation, serializeOrder } from './orderEntities.js';
import { keyValue, requireMethod, resourceNotFound, serviceDocument, type Segment, type SimReply, type SimRequest, type SimService } from './service.js';

export const ORDER_SERVICE_NAME = 'API_PRODUCTION_ORDER_2_SRV';

const NAVIGATION_TYPES: Readonly<Record<string, EntityTypeInfo>> = {
  to_ProductionOrderOperation: OPERATION_TYPE,
  to_ProductionOrderComponent: COMPONENT_TYPE,
};

export function createOrderService(state: ErpState): SimService {
  const orderIndex = (order: OrderState): number => [...state.orders.values()].indexOf(order);

  const allOperations = (url: string): Entity[] =>
    [...state.orders.values()].flatMap((order) => order.operations.map((op) => serializeOperation(url, op)));
  const allComponents = (url: string): Entity[] =>
    [...state.orders.values()].flatMap((order) => serializeComponents(url, order, orderIndex(order)));

  function findOrder(segment: Segment): OrderState {
    const id = keyValue(segment, 'ManufacturingOrder');
    const order = state.orders.get(id);
    if (order === undefined) {
      throw new ODataError(404, ERROR_CODES.notFound, `Production order ${id} does not exist`);
    }
    return order;
  }

  function orderCollection(request: SimRequest): SimReply {
    const options = parseQueryOptions(request.params, ORDER_TYPE);
    const orders = [...state.orders.values()].map((o) => serializeOrder(request.serviceUrl, state, o, options.expand));
    return { status: 200, body: collectionBody(orders, options) };
  }

  function orderEntity(request: SimRequest, segment: Segment, navigation: string | undefined): SimReply {
    const order = findOrder(segment);
    if (navigation === undefined) {
      const options = parseEntityOptions(request.params, ORDER_TYPE);
      const entity = serializeOrder(request.serviceUrl, state, order, options.expand);
      return { status: 200, body: { d: applySelect(entity, options.select) } };
    }
    const type = NAVIGATION_TYPES[navigation];
    if (type === undefined) throw resourceNotFound(navigation);
    const options = parseQueryOptions(request.params, type);
    const entities = navigation === 'to_ProductionOrderOperation'
      ? order.operations.map((op) => serializeOperation(request.serviceUrl, op))
      : serializeComponents(request.serviceUrl, order, orderIndex(order));
    return { status: 200, body: collectionBody(entities, options) };
  }

  return {
    identity: { serviceId: ORDER_SERVICE_NAME, componentId: 'PP-SFC' },
    handle(request: SimRequest): SimReply {
      requireMethod(request, 'GET');
      const [first, second, ...rest] = request.segments;
      if (first === undefined) return serviceDocument(['A_ProductionOrder_2', 'A_ProductionOrderOperation_2', 'A_ProductionOrderComponent_2']);
      if (rest.length > 0 || (second !== undefined && (first.key === undefined || second.key !== undefined))) {
        throw resourceNotFound(rest[0]?.name ?? second?.name ?? first.name);
      }
      switch (first.name) {
        case 'A_ProductionOrder_2':
          return first.key === undefined ? orderCollection(request) : orderEntity(request, first, second?.name);
        case 'A_ProductionOrderOperation_2':
          if (first.key !== undefined) break;
          return { status: 200, body: collectionBody(allOperations(request.serviceUrl), parseQueryOptions(request.params, OPERATION_TYPE)) };
        case 'A_ProductionOrderComponent_2':
          if (first.key !== undefined) break;
          return { status: 200, body: collectionBody(allComponents(request.serviceUrl), parseQueryOptions(request.params, COMPONENT_TYPE)) };
      }
      throw resourceNotFound(first.name);
    },
  };
}
