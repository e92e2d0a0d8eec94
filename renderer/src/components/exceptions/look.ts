// How an exception's state reads: colour, icon and words together.
import type { ExceptionSummary } from '../../../../domain/api';
import type { StateLook } from '../format';

export function exceptionLook(item: Pick<ExceptionSummary, 'status' | 'erpSide' | 'approval'>): StateLook {
  if (item.status === 'pending_approval') {
    return { tone: 'warn', icon: 'clock', label: item.approval?.action === 'void' ? 'Void awaiting approval' : 'Correction awaiting approval' };
  }
  if (item.status === 'exception') return item.erpSide ? { tone: 'bad', icon: 'cross', label: 'Rejected by the ERP' } : { tone: 'bad', icon: 'warning', label: 'Fails a rule' };
  if (item.status === 'voided') return { tone: 'neutral', icon: 'cross', label: 'Voided' };
  if (item.status === 'posted') return { tone: 'ok', icon: 'check', label: 'Posted' };
  return { tone: 'busy', icon: 'dots', label: item.status === 'ready' ? 'Ready to post' : item.status };
}

export const GROUP_LABELS = { rule: 'rule', line: 'line', order: 'order', age: 'age' } as const;
