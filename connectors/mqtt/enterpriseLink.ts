// The link to the enterprise broker: QoS 1 publishes whose promise resolves on the broker's PUBACK. Each
// connection is a fresh mqtt.js client with a clean session, and everything not acknowledged when it drops is
// failed back to the caller: the caller's durable outbox, not mqtt.js's memory, decides what is sent again.
// Transport/TLS, backoff, status words and the truthful status light are the MQTT source's (transport.ts,
// backoff.ts, errors.ts, linkStatus.ts).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { describeBrokerDisconnect, describeMqttError, displayUrl } from './errors.js';
import { LinkStatus, type MqttStatusListener } from './linkStatus.js';
import { buildClientOptions, type TransportOptions } from './transport.js';

/**
 * One enterprise broker. Defaults: MQTT 3.1.1, keepalive 60 s, reconnect backoff 1-30 s with full jitter.
 * @example startEnterpriseLink({ url: 'mqtts://broker.corp:8883', clientId: 'plantdesk-1010-pub',
 *   tls: { caFile: '/etc/plantdesk/corp-ca.pem' } }, (session) => pump(session), onStatus)
 */
export interface EnterpriseLinkOptions extends Omit<TransportOptions, 'sessionExpiryS'> {
  /** Reconnect backoff; default { minMs: 1000, maxMs: 30000 }. */
  readonly reconnect?: Partial<BackoffPolicy>;
}

/** One connection to the broker, from CONNACK to close. */
export interface EnterpriseSession {
  /** Publishes the broker accepts awaiting PUBACK at once (MQTT 5 Receive Maximum); Infinity when it sets none. */
  readonly receiveMaximum: number;
  /** False once the connection has closed; a new session follows after the backoff. */
  readonly open: boolean;
  /** Resolves when the connection has closed. */
  readonly ended: Promise<void>;
  /**
   * QoS 1, not retained. Resolves on the PUBACK. Rejects when the connection closes first, or when an MQTT 5
   * broker refuses the message (PUBACK reason 0x80 or above); the link then reports it and reconnects.
   */
  publish(topic: string, payload: string): Promise<void>;
}

export interface EnterpriseLink {
  stop(): Promise<void>;
}

/** A link that stayed up this long ends a run of failures: the next loss starts the backoff from its minimum. */
const STABLE_LINK_MS = 10_000;
const STOP_WAIT_MS = 2000;

function policyOf(reconnect: Partial<BackoffPolicy> | undefined): BackoffPolicy {
  const minMs = reconnect?.minMs ?? DEFAULT_BACKOFF.minMs;
  return { minMs, maxMs: Math.max(minMs, reconnect?.maxMs ?? DEFAULT_BACKOFF.maxMs) };
}

/** A PUBACK reason code of 0x80 or above (MQTT 5), as mqtt.js reports it. */
function refusalCode(error: Error): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && code >= 0x80 ? code : undefined;
}

export function startEnterpriseLink(options: EnterpriseLinkOptions, onSession: (session: EnterpriseSession) => void, onStatus: MqttStatusListener): EnterpriseLink {
  const status = new LinkStatus(onStatus);
  const where = displayUrl(options.url);
  status.connecting();
  let built: ReturnType<typeof buildClientOptions>;
  try {
    built = buildClientOptions(options);
  } catch (error) {
    status.failed(`${where}: ${(error as Error).message}`);
    return { stop: async () => status.stopped() };
  }
  const v5 = options.protocolVersion === 5;
  // A clean session: nothing is subscribed, and what was in flight is re-sent from the outbox, not by the broker.
  const clientOptions: IClientOptions = { ...built.clientOptions, clean: true };
  delete clientOptions.properties;
  const publishOptions = v5
    ? { qos: 1 as const, retain: false, properties: { contentType: 'application/json', payloadFormatIndicator: true } }
    : { qos: 1 as const, retain: false };
  const backoff = new Backoff(policyOf(options.reconnect));
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let current: MqttClient | undefined;
  /** After a refused message the light stays on the error until a message is accepted again, not just a CONNACK. */
  let refusedBefore = false;

  const attempt = (): void => {
    timer = undefined;
    if (stopping) return;
    status.connecting();
    const client = mqtt.connect(built.url, clientOptions);
    current = client;
    let open = false;
    let closed = false;
    let connackReceived = false;
    let linkFailed = false;
    let connectedAt: number | undefined;
    let receiveMaximum = Infinity;
    const pending = new Set<(error: Error) => void>();
    let markEnded: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));

    const session: EnterpriseSession = {
      get open() {
        return open;
      },
      get receiveMaximum() {
        return receiveMaximum;
      },
      ended,
      publish(topic, payload) {
        if (!open) return Promise.reject(new Error(`${where}: not connected`));
        return new Promise<void>((resolve, reject) => {
          pending.add(reject);
          client.publish(topic, payload, publishOptions, (error) => {
            pending.delete(reject);
            if (!error) {
              if (refusedBefore) {
                refusedBefore = false;
                status.connected();
              }
              return resolve();
            }
            const code = refusalCode(error);
            if (code !== undefined && open && !stopping) {
              linkFailed = true;
              refusedBefore = true;
              status.failed(`${where}: the broker refused a message on ${topic}: ${error.message} (0x${code.toString(16)}); publishing waits at this message`);
              client.stream?.destroy();
            }
            reject(error);
          });
        });
      },
    };

    client.on('connect', (connack) => {
      if (stopping || closed) return;
      connackReceived = true;
      connectedAt = Date.now();
      open = true;
      const maximum = connack.properties?.receiveMaximum;
      receiveMaximum = typeof maximum === 'number' && maximum > 0 ? maximum : Infinity;
      if (!refusedBefore) status.connected();
      onSession(session);
    });
    client.on('error', (error) => {
      if (stopping) return;
      linkFailed = true;
      status.failed(describeMqttError(error, options.url));
    });
    client.on('disconnect', (packet) => {
      if (stopping) return;
      linkFailed = true;
      status.failed(describeBrokerDisconnect(packet.reasonCode, options.url));
    });
    client.on('close', () => {
      if (closed) return;
      closed = true;
      open = false;
      const lost = new Error(`${where}: the connection closed before the PUBACK`);
      for (const fail of pending) fail(lost);
      pending.clear();
      // Never reconnected: mqtt.js would re-send its in-memory copies next to the outbox's.
      client.end(true);
      markEnded();
      if (stopping) return;
      if (!connackReceived && !linkFailed) {
        status.failed(`${where}: the connection closed before the broker answered (not an MQTT port, or the broker turned this client away)`);
      }
      status.closed();
      if (connectedAt !== undefined && Date.now() - connectedAt >= STABLE_LINK_MS) backoff.reset();
      timer = setTimeout(attempt, backoff.next());
    });
  };
  attempt();

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      const client = current;
      if (client) {
        // A DISCONNECT when connected (the broker drops nothing it acknowledged); a bounded wait either way.
        await Promise.race([
          new Promise<void>((resolve) => client.end(!client.connected, {}, () => resolve())),
          new Promise<void>((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref()),
        ]);
        client.end(true);
      }
      status.stopped();
    },
  };
}
