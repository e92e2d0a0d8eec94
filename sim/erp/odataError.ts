// SAP Gateway error JSON (ERP-CONTRACT A.8) and the error codes the simulator answers with, so handlers can
// throw one ODataError and the router turns it into the response an adapter sees from a real system.
import { randomBytes } from 'node:crypto';

/**
 * Codes the simulator uses. RU/* are business rejections (T100 class RU, the confirmation messages);
 * /IWBEP/ and /IWFND/ ones are Gateway's technical errors. The numbers are plausible, not copied from a
 * system: adapters should classify by HTTP status and show the message, never switch on these codes.
 */
export const ERROR_CODES = {
  orderNotFound: 'RU/103',
  operationNotFound: 'RU/104',
  sequenceNotFound: 'RU/105',
  orderTechnicallyCompleted: 'RU/137',
  unitNotAllowed: 'RU/505',
  missingField: 'RU/100',
  invalidValue: '/IWBEP/CM_MGW_RT/022',
  malformedBody: '/IWBEP/CM_MGW_RT/020',
  invalidQuery: '/IWBEP/CM_MGW_RT/004',
  notFound: '/IWBEP/CM_MGW_RT/021',
  methodNotAllowed: '/IWBEP/CM_MGW_RT/051',
  notAcceptable: '/IWBEP/CM_MGW_RT/106',
  unknownClient: '/IWFND/CM_COS/056',
  unauthorized: '/IWFND/CM_CONSUMER/101',
  payloadTooLarge: '/IWFND/CM_BEC/013',
  internal: '/IWFND/CM_BEC/076',
} as const;

export interface ODataErrorOptions {
  /** Property the message refers to, e.g. "ProdnOrdConf2/ConfirmationUnit". */
  readonly propertyRef?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: ODataErrorOptions = {},
  ) {
    super(message);
    this.name = 'ODataError';
  }
}

/** Which Gateway service raised the error; SAP fills innererror.application from it. */
export interface ServiceIdentity {
  readonly serviceId: string;
  readonly componentId: string;
}

export const UNKNOWN_SERVICE: ServiceIdentity = { serviceId: '', componentId: 'BC-ES-GW' };

export function errorBody(error: ODataError, service: ServiceIdentity, now: Date = new Date()): unknown {
  return {
    error: {
      code: error.code,
      message: { lang: 'en', value: error.message },
      innererror: {
        application: {
          component_id: service.componentId,
          service_namespace: '/SAP/',
          service_id: service.serviceId,
          service_version: '0001',
        },
        transactionid: randomBytes(16).toString('hex').toUpperCase(),
        timestamp: gatewayTimestamp(now),
        errordetails: [
          { code: error.code, message: error.message, propertyref: error.options.propertyRef ?? '', severity: 'error' },
        ],
      },
    },
  };
}

/** Gateway writes timestamps as yyyyMMddHHmmss.fffffff (UTC). */
function gatewayTimestamp(now: Date): string {
  const iso = now.toISOString(); // 2025-01-01T12:34:56.789Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return `${digits}.${iso.slice(20, 23)}0000`;
}
