// ProdnOrdConf2 of API_PROD_ORDER_CONFIRMATION_2_SRV (ERP-CONTRACT A.3, A.7): the create body PlantDesk
// sends, the document it gets back, and the read-back by PlantDesk's own key.
import { z } from 'zod';
import type { ErpDocument, PostableConfirmation } from './adapter.js';
import { ErpError } from './adapter.js';
import { collectionEnvelope, decodeJson, entityEnvelope, formatEdmDecimal, guidLiteral, isGuid, postingDateLiteral } from './odataJson.js';
import { responseError } from './odataErrors.js';
import type { SapHttp } from './sapHttp.js';

export const CONFIRMATION_SERVICE = '/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV';
/** ConfirmationText is Str40 (A.2). */
const TEXT_MAX = 40;

/** The create body of A.3. Goods movements are left to the ERP's backflush settings, as PlantDesk sends none. */
export function confirmationBody(item: PostableConfirmation): Record<string, unknown> {
  const c = item.confirmation;
  requireGuid(item.eventId);
  const final = c.final;
  return {
    OrderID: c.orderId,
    Sequence: '0',
    OrderOperation: c.operation,
    ConfirmationUnit: c.unit,
    ConfirmationYieldQuantity: quantity(c.yieldQty, 'yield'),
    ConfirmationScrapQuantity: quantity(c.scrapQty, 'scrap'),
    IsFinalConfirmation: final,
    FinalConfirmationType: final ? 'X' : '',
    PostingDate: postingDate(c.end),
    ExternalSystemConfirmation: item.eventId,
    // A system that cannot filter on the GUID can still be searched by text for PlantDesk's key.
    ConfirmationText: `PD:${item.eventId}`.slice(0, TEXT_MAX),
  };
}

const documentSchema = z.object({
  ConfirmationGroup: z.string().min(1),
  ConfirmationCount: z.string().min(1),
  IsReversal: z.boolean().nullish(),
});

export function toErpDocument(doc: { ConfirmationGroup: string; ConfirmationCount: string }): ErpDocument {
  return {
    document: `${doc.ConfirmationGroup}/${doc.ConfirmationCount}`,
    confirmationGroup: doc.ConfirmationGroup,
    confirmationCount: doc.ConfirmationCount,
  };
}

/** Reads the document out of a 2xx answer to the create; the create happened, so a bad body is ambiguous. */
export function createdDocument(status: number, body: string): ErpDocument {
  const decoded = decodeJson(entityEnvelope(documentSchema), body);
  if (decoded.ok) return toErpDocument(decoded.data.d);
  throw new ErpError(
    `ERP accepted the confirmation (HTTP ${status}) but its answer could not be read (${decoded.problem}). PlantDesk checks the ERP for the document before doing anything else.`,
    'ambiguous',
    { status },
  );
}

/** A.7: `$filter=ExternalSystemConfirmation eq guid'…'`; null when no confirmation carries the event id. */
export async function findConfirmation(http: SapHttp, eventId: string): Promise<ErpDocument | null> {
  requireGuid(eventId);
  const action = `look up confirmation ${eventId}`;
  const res = await http.send({
    method: 'GET',
    path: `${CONFIRMATION_SERVICE}/ProdnOrdConf2`,
    query: [
      ['$filter', `ExternalSystemConfirmation eq ${guidLiteral(eventId)}`],
      ['$format', 'json'],
    ],
    action,
  });
  if (res.status !== 200) throw responseError(res, action, false);
  const decoded = decodeJson(collectionEnvelope(documentSchema), res.body);
  if (!decoded.ok) {
    throw new ErpError(`ERP answered the request to ${action} with data PlantDesk cannot read (${decoded.problem}).`, 'transient', { status: res.status });
  }
  // A cancellation (CancelProdnOrdConf) may carry the same external key; the posting itself is the original.
  const original = decoded.data.d.results.find((doc) => doc.IsReversal !== true);
  return original === undefined ? null : toErpDocument(original);
}

function quantity(value: number, what: string): string {
  const text = value >= 0 ? formatEdmDecimal(value) : undefined;
  if (text === undefined) {
    throw new ErpError(`The ${what} quantity ${value} cannot be sent: the ERP takes 0 to 9,999,999,999.999 with at most 3 decimals.`, 'business');
  }
  return text;
}

function postingDate(end: string): string {
  try {
    return postingDateLiteral(end);
  } catch {
    throw new ErpError(`The confirmation's end time "${end}" is not a date and time, so it has no posting date.`, 'business');
  }
}

/** ExternalSystemConfirmation is an Edm.Guid; anything else would be refused, or worse, change the filter. */
function requireGuid(eventId: string): void {
  if (!isGuid(eventId)) {
    throw new ErpError(`PlantDesk's event id "${eventId}" is not a GUID, so the ERP cannot store or find it.`, 'business');
  }
}
