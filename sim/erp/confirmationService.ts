// API_PROD_ORDER_CONFIRMATION_2_SRV (ERP-CONTRACT A.3, A.7): create confirmations and read them back by key,
// by order and operation, or by the client's ExternalSystemConfirmation GUID.
import { cancelConfirmation } from './cancel.js';
import { CONFIRMATION_TABLE, MATL_DOC_ITEM_TABLE } from './confirmationFields.js';
import { createConfirmation, type PostingJudge } from './confirmationCreate.js';
import type { ErpState, ReceivedConfirmation } from './erpState.js';
import { ERROR_CODES, ODataError } from './odataError.js';
import { applySelect, collectionBody, parseEntityOptions, parseQueryOptions, type Entity, type EntityTypeInfo } from './odataQuery.js';
import { kindsOf } from './propertyTable.js';
import { deferred, keyValue, requireMethod, resourceNotFound, serviceDocument, type Segment, type SimReply, type SimRequest, type SimService } from './service.js';

export const CONFIRMATION_SERVICE_NAME = 'API_PROD_ORDER_CONFIRMATION_2_SRV';

const CONFIRMATION_TYPE: EntityTypeInfo = {
  name: CONFIRMATION_TABLE.typeName,
  kinds: kindsOf(CONFIRMATION_TABLE),
  navigations: CONFIRMATION_TABLE.navigations,
};
const ITEM_TYPE: EntityTypeInfo = {
  name: MATL_DOC_ITEM_TABLE.typeName,
  kinds: kindsOf(MATL_DOC_ITEM_TABLE),
  navigations: MATL_DOC_ITEM_TABLE.navigations,
};
const NAMESPACE = CONFIRMATION_SERVICE_NAME;

function confirmationUri(serviceUrl: string, record: ReceivedConfirmation): string {
  return `${serviceUrl}/ProdnOrdConf2(ConfirmationGroup='${record.confirmationGroup}',ConfirmationCount='${record.confirmationCount}')`;
}

function serializeItem(serviceUrl: string, item: Readonly<Entity>): Entity {
  const key = ['ConfirmationGroup', 'ConfirmationCount', 'MaterialDocument', 'MaterialDocumentItem', 'MaterialDocumentYear']
    .map((name) => `${name}='${String(item[name])}'`)
    .join(',');
  const uri = `${serviceUrl}/ProdnOrdConfMatlDocItm(${key})`;
  return {
    __metadata: { id: uri, uri, type: `${NAMESPACE}.A_ProdnOrdConfMatlDocItmType` },
    ...item,
    to_ProdnOrderConfBatchCharc: deferred(`${uri}/to_ProdnOrderConfBatchCharc`),
  };
}

function serializeConfirmation(serviceUrl: string, record: ReceivedConfirmation, expandItems: boolean): Entity {
  const uri = confirmationUri(serviceUrl, record);
  return {
    __metadata: { id: uri, uri, type: `${NAMESPACE}.A_ProdnOrdConf2Type` },
    ...record.entity,
    to_ProdnOrdConfMatlDocItm: expandItems
      ? { results: record.goodsMovements.map((item) => serializeItem(serviceUrl, item)) }
      : deferred(`${uri}/to_ProdnOrdConfMatlDocItm`),
  };
}

function parseJsonBody(request: SimRequest): unknown {
  const contentType = String(request.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(contentType)) {
    throw new ODataError(415, ERROR_CODES.malformedBody, `Content-Type ${contentType || '(none)'} is not supported: send application/json`);
  }
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch (error) {
    throw new ODataError(400, ERROR_CODES.malformedBody, `Malformed JSON in request body: ${(error as Error).message}`);
  }
}

export function createConfirmationService(state: ErpState, now: () => number = Date.now, judge?: PostingJudge): SimService {
  function find(segment: Segment): ReceivedConfirmation {
    const group = keyValue(segment, 'ConfirmationGroup');
    const count = keyValue(segment, 'ConfirmationCount');
    const record = state.confirmations.find((c) => c.confirmationGroup === group && c.confirmationCount === count);
    if (record === undefined) {
      throw new ODataError(404, ERROR_CODES.notFound, `Confirmation ${group}/${count} does not exist`);
    }
    return record;
  }

  function confirmations(request: SimRequest, segment: Segment, navigation: Segment | undefined): SimReply {
    if (segment.key === undefined && navigation === undefined) {
      requireMethod(request, 'GET', 'POST');
      if (request.method === 'POST') {
        const record = createConfirmation(state, parseJsonBody(request), request.user, now(), judge);
        const uri = confirmationUri(request.serviceUrl, record);
        return { status: 201, headers: { Location: uri }, body: { d: serializeConfirmation(request.serviceUrl, record, true) } };
      }
      const options = parseQueryOptions(request.params, CONFIRMATION_TYPE);
      const expand = options.expand.has('to_ProdnOrdConfMatlDocItm');
      // Read-back by our key (ERP-CONTRACT A.7) takes the state's index; the filter below still applies in full.
      const byKey = options.filter.find((c) => c.field === 'ExternalSystemConfirmation' && c.literal.kind === 'guid');
      const records = byKey ? state.confirmationsByExternalKey(String(byKey.literal.value)) : state.confirmations;
      const all = records.map((record) => serializeConfirmation(request.serviceUrl, record, expand));
      return { status: 200, body: collectionBody(all, options) };
    }
    requireMethod(request, 'GET');
    if (segment.key === undefined) throw resourceNotFound(navigation?.name ?? segment.name);
    const record = find(segment);
    if (navigation === undefined) {
      const options = parseEntityOptions(request.params, CONFIRMATION_TYPE);
      const entity = serializeConfirmation(request.serviceUrl, record, options.expand.has('to_ProdnOrdConfMatlDocItm'));
      return { status: 200, body: { d: applySelect(entity, options.select) } };
    }
    if (navigation.name !== 'to_ProdnOrdConfMatlDocItm' || navigation.key !== undefined) throw resourceNotFound(navigation.name);
    const items = record.goodsMovements.map((item) => serializeItem(request.serviceUrl, item));
    return { status: 200, body: collectionBody(items, parseQueryOptions(request.params, ITEM_TYPE)) };
  }

  /** Function import CancelProdnOrdConf (A.1, A.3): POST with ConfirmationGroup='…'&ConfirmationCount='…'. */
  function cancel(request: SimRequest): SimReply {
    requireMethod(request, 'POST');
    const literal = (name: string): string => {
      const match = /^'(.*)'$/s.exec(request.params.get(name) ?? '');
      if (match?.[1] === undefined) throw new ODataError(400, ERROR_CODES.invalidQuery, `Parameter ${name} is missing or not a string literal`);
      return match[1];
    };
    const document = `${literal('ConfirmationGroup')}/${literal('ConfirmationCount')}`;
    const result = cancelConfirmation(state, { document }, now());
    if ('error' in result) throw new ODataError(400, ERROR_CODES.invalidValue, `Confirmation ${document} cannot be cancelled: ${result.error}`);
    const reversal = state.confirmations.at(-1);
    if (reversal === undefined) throw new ODataError(500, ERROR_CODES.internal, 'cancellation record missing');
    return { status: 200, body: { d: serializeConfirmation(request.serviceUrl, reversal, false) } };
  }

  return {
    identity: { serviceId: CONFIRMATION_SERVICE_NAME, componentId: 'PP-SFC-EXE-CON' },
    handle(request: SimRequest): SimReply {
      const [first, second, ...rest] = request.segments;
      if (first === undefined) {
        requireMethod(request, 'GET');
        return serviceDocument(['ProdnOrdConf2', 'ProdnOrdConfMatlDocItm', 'ProdnOrderConfBatchCharc']);
      }
      if (rest.length > 0) throw resourceNotFound(rest[0]?.name ?? '');
      if (first.name === 'ProdnOrdConf2') return confirmations(request, first, second);
      if (first.name === 'CancelProdnOrdConf' && first.key === undefined && second === undefined) return cancel(request);
      if (first.name === 'ProdnOrdConfMatlDocItm' && first.key === undefined && second === undefined) {
        requireMethod(request, 'GET');
        const items = state.confirmations.flatMap((c) => c.goodsMovements.map((item) => serializeItem(request.serviceUrl, item)));
        return { status: 200, body: collectionBody(items, parseQueryOptions(request.params, ITEM_TYPE)) };
      }
      throw resourceNotFound(first.name);
    },
  };
}
