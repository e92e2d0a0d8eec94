// The status a source reports, kept truthful: `connected` only once the subscriptions are granted, and an
// error stays on the light (with its reason) through the retries until a connection works again.
import type { ConnectionState } from '../../domain/index.js';

export type MqttStatusListener = (state: ConnectionState, error?: string) => void;

export class LinkStatus {
  private state: ConnectionState | undefined;
  private error: string | undefined;

  constructor(private readonly listener: MqttStatusListener) {}

  get current(): ConnectionState | undefined {
    return this.state;
  }

  /** A connection attempt starts. After a failure the error stays shown until an attempt succeeds. */
  connecting(): void {
    if (this.state !== 'error') this.set('connecting');
  }

  /** CONNACK accepted and every subscription granted. */
  connected(): void {
    this.set('connected');
  }

  failed(reason: string): void {
    this.set('error', reason);
  }

  /** The link closed; an error that closed it stays the status. */
  closed(): void {
    if (this.state !== 'error') this.set('disconnected');
  }

  /** The source was stopped on purpose. */
  stopped(): void {
    this.set('disconnected');
  }

  private set(state: ConnectionState, error?: string): void {
    if (state === this.state && error === this.error) return;
    this.state = state;
    this.error = error;
    this.listener(state, error);
  }
}
