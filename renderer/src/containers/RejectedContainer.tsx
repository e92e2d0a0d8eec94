// Reads the newest rejected messages from the API when the link opens, when the queue's rejected count changes
// and every 10 s; hands plain props to RejectedMessagesPanel.
import { useCallback, useEffect, useState } from 'react';
import type { PlantDeskApi, RejectedMessage } from '../../../domain/api';
import { getApi } from '../api/getApi';
import { RejectedMessagesPanel } from '../components/RejectedMessagesPanel';
import { useConsoleStore } from '../state/store';

const REFRESH_MS = 10_000;
const SHOWN = 25;
const PAYLOAD_CHARS = 300;

export function RejectedContainer({ api = getApi() }: { readonly api?: Pick<PlantDeskApi, 'listRejected'> }) {
  const [messages, setMessages] = useState<readonly RejectedMessage[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const link = useConsoleStore((s) => s.link);
  const total = useConsoleStore((s) => s.queue?.rejected ?? null);

  const refresh = useCallback(() => {
    api.listRejected({ limit: SHOWN, payloadChars: PAYLOAD_CHARS }).then(
      (list) => {
        setMessages(list);
        setLoadError(null);
      },
      (error: Error) => setLoadError(error.message),
    );
  }, [api]);

  useEffect(() => {
    if (link !== 'open') return undefined;
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
    // `total` is a dependency on purpose: a new rejection shows without waiting for the timer.
  }, [link, refresh, total]);

  return <RejectedMessagesPanel messages={messages} total={total} loadError={loadError} />;
}
