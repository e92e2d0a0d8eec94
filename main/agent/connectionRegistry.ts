// Keeps the state of every connection (OPC UA servers, MQTT brokers, the ERP) for the console and health.
import type { ConnectionKind, ConnectionState, ConnectionStatus } from '../../domain/index.js';

export class ConnectionRegistry {
  private readonly statuses = new Map<string, ConnectionStatus>();

  constructor(private readonly onChange: () => void = () => undefined) {}

  register(kind: ConnectionKind, name: string, endpoint: string): string {
    const id = `${kind}:${name}`;
    this.statuses.set(id, { id, kind, name, endpoint, state: 'connecting', since: new Date().toISOString(), lastError: null, lastDataAt: null });
    this.onChange();
    return id;
  }

  setState(id: string, state: ConnectionState, error?: string): void {
    const current = this.statuses.get(id);
    if (!current) return;
    const changed = current.state !== state;
    if (!changed && error === undefined) return;
    this.statuses.set(id, {
      ...current,
      state,
      since: changed ? new Date().toISOString() : current.since,
      lastError: error ?? current.lastError,
    });
    this.onChange();
  }

  /** A warning the connection carries while it works, e.g. an OPC UA source with allowInsecure; null clears it. */
  setWarning(id: string, warning: string | null): void {
    const current = this.statuses.get(id);
    if (!current || (current.warning ?? null) === warning) return;
    const next: { -readonly [K in keyof ConnectionStatus]: ConnectionStatus[K] } = { ...current };
    if (warning === null) delete next.warning;
    else next.warning = warning;
    this.statuses.set(id, next);
    this.onChange();
  }

  markData(id: string, at: number): void {
    const current = this.statuses.get(id);
    if (current) this.statuses.set(id, { ...current, lastDataAt: new Date(at).toISOString() });
  }

  list(): ConnectionStatus[] {
    return [...this.statuses.values()];
  }
}
