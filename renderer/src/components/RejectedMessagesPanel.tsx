// Messages that could not be mapped: when, from where (source and topic or node), why, which mapping version
// said so, and the payload as received (cut for display). Engineers read this before fixing a mapping.
import type { RejectedMessage } from '../../../domain/api';
import { formatTime } from './format';

export interface RejectedMessagesPanelProps {
  readonly messages: readonly RejectedMessage[];
  /** All rejected messages in the store (the queue's count); the table shows the newest. */
  readonly total: number | null;
  readonly loadError: string | null;
}

/** "1.2 KB", "300 B": the size of the message as received. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function RejectedMessagesPanel({ messages, total, loadError }: RejectedMessagesPanelProps) {
  const shown = messages.length;
  return (
    <section className="panel rejected-panel" aria-label="Rejected messages">
      <h2 className="panel-title">
        Rejected messages
        {total !== null && total > shown && <span className="panel-note"> — newest {shown} of {total}</span>}
      </h2>
      {loadError !== null && <p className="cert-error" role="alert">Could not read rejected messages: {loadError}</p>}
      {shown === 0 ? (
        <p className="empty">No rejected messages.</p>
      ) : (
        <div className="table-scroll">
          <table className="records rejected">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Source</th>
                <th scope="col">Topic or node</th>
                <th scope="col">Reason</th>
                <th scope="col">Mapping</th>
                <th scope="col">Payload</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <RejectedRow key={m.id} message={m} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RejectedRow({ message: m }: { readonly message: RejectedMessage }) {
  const size = formatBytes(m.payloadBytes);
  return (
    <tr data-testid="rejected-row" data-id={m.id}>
      <td className="num">
        <time dateTime={m.receivedAt} title={m.receivedAt}>{formatTime(m.receivedAt)}</time>
      </td>
      <td>{m.source}</td>
      <td className="mono channel">{m.channel}</td>
      <td className="reason" data-testid="rejected-reason">{m.reason}</td>
      <td className="mono">{m.mappingVersion ?? '—'}</td>
      <td className="payload">
        <code className="mono" data-testid="rejected-payload">
          {m.payloadEncoding === 'base64' && <span className="payload-tag">not UTF-8, base64: </span>}
          {m.payload}
          {m.payloadTruncated && '…'}
        </code>
        {(m.payloadTruncated || size !== '') && (
          <span className="payload-note">
            {m.payloadTruncated ? ' cut' : ''}
            {size !== '' ? ` (${size})` : ''}
          </span>
        )}
      </td>
    </tr>
  );
}
