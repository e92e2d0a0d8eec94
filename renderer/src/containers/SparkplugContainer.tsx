// Reads the Sparkplug nodes from the API while the link is open, every 2 s, and only when the agent has a Sparkplug
// connection (`mqtt:sparkplug:<name>`); hands plain props to SparkplugNodesPanel.
import { useCallback, useEffect, useState } from 'react';
import type { PlantDeskApi, SparkplugNodeInfo } from '../../../domain/api';
import { getApi } from '../api/getApi';
import { SparkplugNodesPanel } from '../components/SparkplugNodesPanel';
import { useConsoleStore } from '../state/store';
import { useNow } from './useNow';

const REFRESH_MS = 2000;

export function SparkplugContainer({ api = getApi() }: { readonly api?: Pick<PlantDeskApi, 'listSparkplugNodes'> }) {
  const [nodes, setNodes] = useState<readonly SparkplugNodeInfo[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const link = useConsoleStore((s) => s.link);
  const configured = useConsoleStore((s) => s.connections.some((c) => c.id.startsWith('mqtt:sparkplug:')));
  const clockOffsetMs = useConsoleStore((s) => s.clockOffsetMs);
  const now = useNow(1000);

  const refresh = useCallback(() => {
    api.listSparkplugNodes().then(
      (list) => {
        setNodes(list);
        setLoadError(null);
      },
      (error: Error) => setLoadError(error.message),
    );
  }, [api]);

  useEffect(() => {
    if (link !== 'open' || !configured) return undefined;
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [link, configured, refresh]);

  if (!configured && nodes.length === 0) return null;
  return <SparkplugNodesPanel nodes={nodes} now={now + clockOffsetMs} loadError={loadError} />;
}
