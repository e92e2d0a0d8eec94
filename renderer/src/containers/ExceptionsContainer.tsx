// The Exceptions page: reads the inbox (on open, on filter change, when the open count changes, every 10 s), the
// detail of the chosen record, re-checks the edit form as the supervisor types (300 ms after the last key,
// nothing saved), and sends the commands with the session the console holds.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { BulkCorrectResult, CorrectableField, ExceptionDetail, ExceptionList, ExceptionQuery, ExceptionsApi, RecheckResult } from '../../../domain/api';
import type { ProductionConfirmation } from '../../../domain/confirmation';
import { getApi } from '../api/getApi';
import { BulkCorrection, type BulkValues } from '../components/exceptions/BulkCorrection';
import { CorrectionForm, type CorrectionValues } from '../components/exceptions/CorrectionForm';
import { ExceptionActions } from '../components/exceptions/ExceptionActions';
import { ExceptionDetail as DetailView } from '../components/exceptions/ExceptionDetail';
import { EMPTY_FILTER, ExceptionsInbox, type InboxFilter } from '../components/exceptions/ExceptionsInbox';
import { commandFailed } from '../state/authActions';
import { useConsoleStore } from '../state/store';

const REFRESH_MS = 10_000;
/** The renderer imports only types from domain/ (DESIGN.md), so the editable fields are listed here again. */
const CORRECTABLE_FIELDS: readonly CorrectableField[] = ['orderId', 'operation', 'workCenter', 'material', 'batch', 'yieldQty', 'scrapQty', 'unit', 'final'];
const RECHECK_DELAY_MS = 300;
/** While a corrected record is on its way to the ERP, its detail is read again this often, so the ERP document shows. */
const ON_THE_WAY_MS = 2000;

function toQuery(filter: InboxFilter): ExceptionQuery {
  return {
    ...(filter.rule ? { rule: filter.rule } : {}),
    ...(filter.line.trim() ? { line: filter.line.trim() } : {}),
    ...(filter.orderId.trim() ? { orderId: filter.orderId.trim() } : {}),
    ...(filter.olderThanMin ? { olderThanMin: Number(filter.olderThanMin) } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.groupBy ? { groupBy: filter.groupBy } : {}),
  };
}

function valuesOf(detail: ExceptionDetail): CorrectionValues {
  const body = (detail.summary.approval?.proposed ?? detail.event) as Partial<ProductionConfirmation>;
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return Object.fromEntries(CORRECTABLE_FIELDS.map((f) => [f, text(body[f as keyof ProductionConfirmation])])) as CorrectionValues;
}

export function ExceptionsContainer({ api = getApi() }: { readonly api?: ExceptionsApi }) {
  const link = useConsoleStore((s) => s.link);
  const openCount = useConsoleStore((s) => (s.queue ? s.queue.exception + s.queue.pending_approval : null));
  const session = useConsoleStore((s) => s.session);
  const canAct = session?.roles.includes('supervisor') === true;

  const [filter, setFilter] = useState<InboxFilter>(EMPTY_FILTER);
  const [list, setList] = useState<ExceptionList | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detail, setDetail] = useState<ExceptionDetail | null>(null);
  const [values, setValues] = useState<CorrectionValues | null>(null);
  const [reason, setReason] = useState('');
  const [recheck, setRecheck] = useState<RecheckResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ readonly message: string; readonly waiting: boolean } | null>(null);
  const [bulk, setBulk] = useState<BulkValues>({ field: 'material', from: '', to: '', reason: '' });
  const [bulkPreview, setBulkPreview] = useState<BulkCorrectResult | null>(null);
  const [bulkApplied, setBulkApplied] = useState<BulkCorrectResult | null>(null);

  const refresh = useCallback(() => {
    api.listExceptions(toQuery(filter)).then(
      (next) => {
        setList(next);
        setLoadError(null);
      },
      (e: Error) => setLoadError(e.message),
    );
  }, [api, filter]);

  useEffect(() => {
    if (link !== 'open') return undefined;
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
    // openCount on purpose: a new exception shows without waiting for the timer.
  }, [link, refresh, openCount]);

  const loadDetail = useCallback(
    (eventId: string) => {
      api.getException({ eventId }).then(
        (d) => {
          setDetail(d);
          setValues(valuesOf(d));
          setRecheck(null);
        },
        (e: Error) => setError(e.message),
      );
    },
    [api],
  );

  // A record sent on (ready, sending) is followed until it is posted or fails again; its form is left alone.
  useEffect(() => {
    const status = detail?.summary.status;
    if (!detail || (status !== 'ready' && status !== 'sending')) return undefined;
    const eventId = detail.summary.eventId;
    const timer = setTimeout(() => {
      api.getException({ eventId }).then(setDetail, () => undefined);
    }, ON_THE_WAY_MS);
    return () => clearTimeout(timer);
  }, [api, detail]);

  const open = useCallback(
    (eventId: string) => {
      setSelectedId(eventId);
      setError(null);
      setNotice(null);
      setReason('');
      loadDetail(eventId);
    },
    [loadDetail],
  );

  // Live re-check of the form as typed; the answer for older input is dropped.
  useEffect(() => {
    if (!detail || !values || detail.summary.status !== 'exception') return undefined;
    let current = true;
    const timer = setTimeout(() => {
      api.recheckException({ eventId: detail.summary.eventId, ...values, final: values.final === 'true' ? 'true' : 'false' }).then(
        (r) => current && setRecheck(r),
        (e: Error) => current && setError(e.message),
      );
    }, RECHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, detail, values]);

  const act = useCallback(
    (call: () => Promise<{ message: string; status: string }>) => {
      setBusy(true);
      setError(null);
      call().then(
        (result) => {
          setBusy(false);
          setNotice({ message: result.message, waiting: result.status === 'pending_approval' });
          refresh();
          if (selectedId) loadDetail(selectedId);
        },
        (e: Error) => {
          setBusy(false);
          setError(commandFailed(e));
        },
      );
    },
    [refresh, loadDetail, selectedId],
  );

  // The rules the open exceptions fail, and the one chosen, as filter options.
  const rules = useMemo(() => [...new Set([...(filter.rule ? [filter.rule] : []), ...(list?.items.flatMap((i) => i.reasons.map((r) => r.code)) ?? [])])].sort(), [list, filter.rule]);
  const onField = useCallback((field: CorrectableField, value: string) => setValues((v) => (v ? { ...v, [field]: value } : v)), []);

  const correct = () => {
    if (!detail || !values) return;
    // Only the fields that changed travel; an emptied optional field is sent empty so it is removed.
    const before = valuesOf({ ...detail, summary: { ...detail.summary, approval: null } });
    const fields = Object.fromEntries(CORRECTABLE_FIELDS.filter((f) => values[f] !== before[f]).map((f) => [f, values[f]]));
    act(() => api.correctException({ eventId: detail.summary.eventId, fields, reason: reason.trim() }));
  };

  const runBulk = (preview: boolean) => {
    setBusy(true);
    setError(null);
    api.bulkCorrect({ ...bulk, preview }).then(
      (result) => {
        setBusy(false);
        if (preview) {
          setBulkPreview(result);
          setBulkApplied(null);
        } else {
          setBulkApplied(result);
          setBulkPreview(null);
          refresh();
        }
      },
      (e: Error) => {
        setBusy(false);
        setError(commandFailed(e));
      },
    );
  };

  return (
    <main className="exceptions-page">
      <div className="exceptions-list-column">
        <ExceptionsInbox list={list} filter={filter} rules={rules} selectedId={selectedId} loadError={loadError} onFilter={setFilter} onOpen={open} />
        {canAct && (
          <BulkCorrection values={bulk} preview={bulkPreview} applied={bulkApplied} busy={busy} error={null} onChange={setBulk} onPreview={() => runBulk(true)} onApply={() => runBulk(false)} />
        )}
        {/* Browser mode serves the CSV file itself (httpApi.ts); the desktop window has no HTTP origin for a download. */}
        {typeof window !== 'undefined' && !window.plantdesk && (
          <a className="audit-export" href="/api/v1/audit/export.csv" download data-testid="audit-export">
            Export the audit log (CSV)
          </a>
        )}
      </div>
      <div className="exceptions-detail-column">
        {notice && (
          <p className={`notice ${notice.waiting ? 'tone-warn' : 'tone-ok'}`} role="status" data-testid="action-notice">
            {notice.waiting ? '⧗' : '✓'} {notice.message}
          </p>
        )}
        {!detail && <p className="empty">Choose an exception to see why it failed and to correct it.</p>}
        {detail && (
          <DetailView detail={detail}>
            {canAct && detail.summary.status === 'exception' && values && (
              <CorrectionForm values={values} reason={reason} recheck={recheck} busy={busy} error={error} onChange={onField} onReason={setReason} onSubmit={correct} />
            )}
            <ExceptionActions
              summary={detail.summary}
              current={detail.event}
              user={session?.user ?? null}
              canAct={canAct}
              busy={busy}
              error={detail.summary.status === 'exception' ? null : error}
              onVoid={(why) => act(() => api.voidException({ eventId: detail.summary.eventId, reason: why }))}
              onRetry={() => act(() => api.retryException({ eventId: detail.summary.eventId }))}
              onApprove={() => act(() => api.approveCorrection({ eventId: detail.summary.eventId }))}
              onReject={(why) => act(() => api.rejectCorrection({ eventId: detail.summary.eventId, reason: why }))}
            />
          </DetailView>
        )}
      </div>
    </main>
  );
}
