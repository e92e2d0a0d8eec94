// The validation rules a confirmation is checked against before posting: one code each, a plain title for the
// console's filters and the canonical fields it concerns (what the edit form highlights).

export const RULE_CODES = [
  'ORDER_UNKNOWN', 'ORDER_NOT_RELEASED', 'OPERATION_UNKNOWN', 'WORK_CENTER_MISMATCH', 'MATERIAL_NOT_IN_ORDER',
  'UNIT_MISMATCH', 'QUANTITY_ZERO', 'QUANTITY_OVER_TOLERANCE', 'BATCH_MISSING', 'FINAL_ALREADY_CONFIRMED',
  'QUALITY_RESULT_MISSING',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export interface RuleInfo {
  /** A short title for filters and group headings. */
  readonly title: string;
  /** The canonical fields a supervisor edits to fix it. */
  readonly fields: readonly string[];
}

export const RULES: Readonly<Record<RuleCode, RuleInfo>> = {
  ORDER_UNKNOWN: { title: 'Order not in the ERP', fields: ['orderId'] },
  ORDER_NOT_RELEASED: { title: 'Order not released, completed or closed', fields: ['orderId'] },
  OPERATION_UNKNOWN: { title: 'Operation not in the order', fields: ['operation'] },
  WORK_CENTER_MISMATCH: { title: 'Operation belongs to another work centre', fields: ['workCenter', 'operation'] },
  MATERIAL_NOT_IN_ORDER: { title: 'Material not in the order', fields: ['material'] },
  UNIT_MISMATCH: { title: 'Unit cannot be converted', fields: ['unit'] },
  QUANTITY_ZERO: { title: 'Nothing to confirm', fields: ['yieldQty', 'scrapQty'] },
  QUANTITY_OVER_TOLERANCE: { title: 'More than the order allows', fields: ['yieldQty'] },
  BATCH_MISSING: { title: 'Batch missing', fields: ['batch'] },
  FINAL_ALREADY_CONFIRMED: { title: 'Second final confirmation', fields: ['final'] },
  QUALITY_RESULT_MISSING: { title: 'No quality result before the final confirmation', fields: ['final'] },
};

/** Codes the sync engine gives ERP rejections ('ERP_REJECTED', 'ERP:<message id>'): causes a retry can fix. */
export function isErpRuleCode(code: string): boolean {
  return code === 'ERP_REJECTED' || code.startsWith('ERP:');
}
