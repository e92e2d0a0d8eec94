// The exceptions workspace behind the API (domain/exceptionsApi.ts): queries for views, commands for supervisors.
// apiDispatch has checked the session and COMMAND_ROLES before a command arrives here with its caller.
import type {
  ApprovalDecisionArgs, AuditCsv, AuditCsvQuery, BulkCorrectArgs, BulkCorrectResult, Caller, CorrectExceptionArgs, ExceptionActionResult,
  ExceptionDetail, ExceptionIdArgs, ExceptionList, ExceptionQuery, RecheckExceptionArgs, RecheckResult, RejectCorrectionArgs, RetryExceptionArgs,
  VoidExceptionArgs,
} from '../../../domain/index.js';
import { exportAuditCsv } from './auditCsv.js';
import { bulkCorrect } from './bulkCorrect.js';
import type { ExceptionsDeps } from './deps.js';
import { approveCorrection, correctException, rejectCorrection, retryException, voidException } from './exceptionCommands.js';
import { getException, listExceptions, recheckException } from './exceptionQueries.js';

export class ExceptionsService {
  constructor(private readonly deps: ExceptionsDeps) {}

  list(query?: ExceptionQuery): ExceptionList {
    return listExceptions(this.deps, query);
  }
  get(args: ExceptionIdArgs): ExceptionDetail {
    return getException(this.deps, args);
  }
  recheck(args: RecheckExceptionArgs): RecheckResult {
    return recheckException(this.deps, args);
  }
  exportAuditCsv(query?: AuditCsvQuery): AuditCsv {
    return exportAuditCsv(this.deps.db, query);
  }
  correct(args: CorrectExceptionArgs, caller: Caller): ExceptionActionResult {
    return correctException(this.deps, args, caller);
  }
  void(args: VoidExceptionArgs, caller: Caller): ExceptionActionResult {
    return voidException(this.deps, args, caller);
  }
  retry(args: RetryExceptionArgs, caller: Caller): ExceptionActionResult {
    return retryException(this.deps, args, caller);
  }
  bulk(args: BulkCorrectArgs, caller: Caller): BulkCorrectResult {
    return bulkCorrect(this.deps, args, caller);
  }
  approve(args: ApprovalDecisionArgs, caller: Caller): ExceptionActionResult {
    return approveCorrection(this.deps, args, caller);
  }
  reject(args: RejectCorrectionArgs, caller: Caller): ExceptionActionResult {
    return rejectCorrection(this.deps, args, caller);
  }
}
