// The audit log's check in the API contract: walks the hash chain and names the first entry that was changed,
// or removed (README, "Users and roles").
export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | {
      readonly ok: false;
      readonly entries: number;
      /** The first entry that is not as it was written: changed, or missing (removed). */
      readonly firstBadSeq: number;
      /** Plain words, e.g. "entry 7 was changed after it was written". */
      readonly problem: string;
    };

export interface AuditApi {
  /** Checks the whole audit log (about 1 s per 100,000 entries, in steps that leave the agent responsive). */
  verifyAudit(): Promise<AuditVerification>;
}
