// The exceptions workspace's presentational components rendered to static markup: navigation with its count,
// the inbox, the detail, the edit form with its live re-check, the actions and approval, the bulk preview.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { BulkCorrectResult, ExceptionDetail, ExceptionList, ExceptionSummary, RecheckResult } from '../../../domain/api.js';
import { Navigation } from '../../../renderer/src/components/Navigation.js';
import { BulkCorrection } from '../../../renderer/src/components/exceptions/BulkCorrection.js';
import { CorrectionForm, type CorrectionValues } from '../../../renderer/src/components/exceptions/CorrectionForm.js';
import { ExceptionActions } from '../../../renderer/src/components/exceptions/ExceptionActions.js';
import { changedFields, ExceptionDetail as DetailView } from '../../../renderer/src/components/exceptions/ExceptionDetail.js';
import { EMPTY_FILTER, ExceptionsInbox } from '../../../renderer/src/components/exceptions/ExceptionsInbox.js';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
const noop = () => undefined;
const BODY = { kind: 'confirmation', plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', yieldQty: 40, scrapQty: 1, unit: 'KG', final: false, end: '2026-11-25T10:00:00.000Z' } as const;

function summary(overrides: Partial<ExceptionSummary> = {}): ExceptionSummary {
  return {
    eventId: 'ev-1', kind: 'confirmation', status: 'exception', line: 'L1', orderId: '1000001', operation: '0010', quantity: 40, scrap: 1, unit: 'KG',
    erpDocument: null, reasons: [{ code: 'UNIT_MISMATCH', message: 'Unit KG does not match the order\'s unit PC.', fields: ['unit'] }],
    correlationId: 'corr-1', receivedAt: '2026-11-25T10:00:00.000Z', updatedAt: '2026-11-25T10:00:00.000Z', ageMin: 75, erpSide: false, approval: null, ...overrides,
  };
}

function detail(overrides: Partial<ExceptionDetail> = {}): ExceptionDetail {
  return {
    summary: summary(), raw: { source: 'demo-mes', channel: 'plantdesk/demo/1010/L1/confirmation', payload: '{"unit":"KG"}', receivedAt: '2026-11-25T10:00:00.000Z' },
    event: BODY, failedRules: summary().reasons, currentViolations: summary().reasons,
    history: [{ at: '2026-11-25T10:00:00.000Z', actor: 'system', from: null, to: 'exception', reason: 'received and validated' }], revisions: [], ...overrides,
  };
}

const VALUES: CorrectionValues = { orderId: '1000001', operation: '0010', workCenter: '', material: '', batch: '', yieldQty: '40', scrapQty: '1', unit: 'PC', final: 'false' };

describe('Navigation', () => {
  it('marks the current page and shows the open exceptions as a badge with icon and words', () => {
    const html = renderToStaticMarkup(<Navigation pages={[{ id: 'overview', label: 'Overview' }, { id: 'exceptions', label: 'Exceptions', count: 4 }]} current="exceptions" onSelect={noop} />);
    expect(html).toMatch(/data-testid="nav-exceptions"[^>]*>|aria-current="page"[^>]*data-testid="nav-exceptions"/);
    expect(html).toContain('aria-label="4 open"');
    expect(html).toContain('<svg');
    expect(html).not.toContain('nav-overview-count');
  });

  it('shows no badge when nothing is open', () => {
    expect(renderToStaticMarkup(<Navigation pages={[{ id: 'exceptions', label: 'Exceptions', count: 0 }]} current="overview" onSelect={noop} />)).not.toContain('nav-exceptions-count');
  });
});

describe('ExceptionsInbox', () => {
  const list: ExceptionList = {
    total: { exception: 2, pendingApproval: 1 },
    items: [summary(), summary({ eventId: 'ev-2', status: 'pending_approval', approval: { action: 'void', requestedBy: 'anna', requestedAt: '2026-11-25T10:05:00.000Z', reason: 'dup', why: 'every void needs a second supervisor', proposed: null } })],
    groups: [{ key: 'UNIT_MISMATCH', count: 2 }],
  };

  it('lists each exception as a keyboard button with rule, line, order, quantity, age and state in words', () => {
    const html = renderToStaticMarkup(<ExceptionsInbox list={list} filter={EMPTY_FILTER} rules={['UNIT_MISMATCH']} selectedId="ev-2" loadError={null} onFilter={noop} onOpen={noop} />);
    expect(html.match(/<button type="button" class="exception-row/g)).toHaveLength(2);
    const t = text(html);
    for (const part of ['2 open, 1 awaiting approval', 'UNIT_MISMATCH 2', 'Fails a rule', 'Void awaiting approval', 'line L1', 'order 1000001/0010', '40 KG', '1 h']) expect(t).toContain(part);
    expect(html).toContain('aria-pressed="true"');
  });

  it('says so when nothing matches, and shows a load error', () => {
    const html = renderToStaticMarkup(<ExceptionsInbox list={{ total: { exception: 0, pendingApproval: 0 }, items: [], groups: [] }} filter={EMPTY_FILTER} rules={[]} selectedId={null} loadError="agent unreachable" onFilter={noop} onOpen={noop} />);
    expect(text(html)).toContain('No exceptions match');
    expect(html).toContain('role="alert"');
  });
});

describe('ExceptionDetail', () => {
  it('shows the raw message, the canonical event, the failed rules and the history', () => {
    const t = text(renderToStaticMarkup(<DetailView detail={detail()} />));
    for (const part of ['UNIT_MISMATCH', 'Unit KG does not match', '{&quot;unit&quot;:&quot;KG&quot;}', '&quot;yieldQty&quot;: 40', 'new → exception by system', 'demo-mes']) expect(t).toContain(part);
  });

  it('shows each correction with before and after', () => {
    const revisions = [{ at: '2026-11-25T10:10:00.000Z', actor: 'anna', approvedBy: 'ben', before: BODY, after: { ...BODY, unit: 'PC', yieldQty: 50 }, reason: 'label', correlationId: 'corr-1' }];
    const t = text(renderToStaticMarkup(<DetailView detail={detail({ revisions })} />));
    expect(t).toContain('by anna, approved by ben: label');
    expect(t).toContain('before: yieldQty 40, unit KG');
    expect(t).toContain('after: yieldQty 50, unit PC');
    expect(changedFields(BODY, BODY)).toEqual([]);
  });
});

describe('CorrectionForm', () => {
  const clean: RecheckResult = { event: { ...BODY, unit: 'PC' }, violations: [], fieldErrors: {}, needsApproval: null };

  it('enables "Correct and post" only when the re-check is clean and a reason is given', () => {
    const enabled = renderToStaticMarkup(<CorrectionForm values={VALUES} reason="MES label" recheck={clean} busy={false} error={null} onChange={noop} onReason={noop} onSubmit={noop} />);
    expect(enabled).toMatch(/<button type="submit"[^>]*data-testid="correct-submit">Correct and post/);
    expect(enabled).not.toMatch(/<button type="submit" disabled/);
    expect(text(enabled)).toContain('✓ passes every rule');
    const noReason = renderToStaticMarkup(<CorrectionForm values={VALUES} reason="" recheck={clean} busy={false} error={null} onChange={noop} onReason={noop} onSubmit={noop} />);
    expect(noReason).toMatch(/<button type="submit" disabled/);
  });

  it('names the rules still failing, marks their fields, and shows field errors', () => {
    const failing: RecheckResult = { event: BODY, violations: [{ code: 'UNIT_MISMATCH', message: 'Unit XX cannot be converted.', fields: ['unit'] }], fieldErrors: { yieldQty: 'must not be negative' }, needsApproval: null };
    const html = renderToStaticMarkup(<CorrectionForm values={VALUES} reason="x y z" recheck={failing} busy={false} error={null} onChange={noop} onReason={noop} onSubmit={noop} />);
    expect(text(html)).toContain('✗ UNIT_MISMATCH Unit XX cannot be converted.');
    expect(html).toMatch(/<label class="field-concerned">Unit<input aria-invalid="true"[^>]*name="unit"/);
    expect(text(html)).toContain('must not be negative');
    expect(html).toMatch(/<button type="submit" disabled/);
  });

  it('says when a second supervisor must approve', () => {
    const html = renderToStaticMarkup(<CorrectionForm values={VALUES} reason="recount" recheck={{ ...clean, needsApproval: 'yield changed by 25 %' }} busy={false} error={null} onChange={noop} onReason={noop} onSubmit={noop} />);
    expect(text(html)).toContain('A second supervisor must approve: yield changed by 25 %');
    expect(text(html)).toContain('Correct and ask for approval');
  });
});

describe('ExceptionActions', () => {
  const handlers = { onVoid: noop, onRetry: noop, onApprove: noop, onReject: noop };
  const pending = summary({ status: 'pending_approval', approval: { action: 'correct', requestedBy: 'anna', requestedAt: '2026-11-25T10:05:00.000Z', reason: 'recount', why: 'yield changed by 25 %', proposed: { ...BODY, yieldQty: 50 } } });

  it('offers void (reason first) and retry on an exception', () => {
    const html = renderToStaticMarkup(<ExceptionActions current={BODY} summary={summary({ erpSide: true })} user="anna" canAct busy={false} error={null} {...handlers} />);
    expect(html).toMatch(/<button type="submit" disabled=""[^>]*data-testid="void"/);
    expect(text(html)).toContain('Retry (ERP rejected it)');
  });

  it('lets a second supervisor approve or reject, but not the one who asked', () => {
    const second = renderToStaticMarkup(<ExceptionActions current={BODY} summary={pending} user="ben" canAct busy={false} error={null} {...handlers} />);
    expect(second).toContain('data-testid="approve"');
    expect(second).toContain('&quot;yieldQty&quot;: 50');
    expect(text(second)).toContain('Proposed: yieldQty 40 → 50');
    const own = renderToStaticMarkup(<ExceptionActions current={BODY} summary={pending} user="anna" canAct busy={false} error={null} {...handlers} />);
    expect(own).not.toContain('data-testid="approve"');
    expect(text(own)).toContain('a second supervisor decides');
  });

  it('asks to log in when the user is no supervisor', () => {
    expect(text(renderToStaticMarkup(<ExceptionActions current={BODY} summary={summary()} user={null} canAct={false} busy={false} error={null} {...handlers} />))).toContain('Log in as a supervisor');
  });
});

describe('BulkCorrection', () => {
  it('previews before and after per event and offers to apply to those that would pass', () => {
    const preview: BulkCorrectResult = {
      preview: true, bulkId: null, matched: 2, results: [],
      items: [
        { eventId: 'ev-1', before: { ...BODY, material: 'MAT-X' }, after: { ...BODY, material: 'MAT-1' }, violations: [], needsApproval: null },
        { eventId: 'ev-2', before: { ...BODY, material: 'MAT-X' }, after: { ...BODY, material: 'MAT-1' }, violations: [{ code: 'OPERATION_UNKNOWN', message: 'op', fields: ['operation'] }], needsApproval: null },
      ],
    };
    const html = renderToStaticMarkup(<BulkCorrection values={{ field: 'material', from: 'MAT-X', to: 'MAT-1', reason: 'renamed' }} preview={preview} applied={null} busy={false} error={null} onChange={noop} onPreview={noop} onApply={noop} />);
    const t = text(html);
    expect(t).toContain('2 match; 1 would pass every rule');
    expect(t).toContain('✓ ev-1: material MAT-X → MAT-1');
    expect(t).toContain('✗ ev-2: material MAT-X → MAT-1 — still fails OPERATION_UNKNOWN');
    expect(t).toContain('Apply to 1');
  });
});
