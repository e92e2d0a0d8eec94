// The MQTT side of the Sparkplug host, as plain functions the MQTT source wires in: the host's STATE birth and
// will (Sparkplug 3.0 JSON), its subscriptions, and running the actions SparkplugHost returns through a publish
// function. Nothing here opens a connection.
import { hostStateTopic, isValidSparkplugId, sparkplugSubscriptions } from './topic.js';
import type { SparkplugAction, SparkplugPublish } from './types.js';

/**
 * What one MQTT connection of the host needs. Sparkplug 3.0 wants, in this order: CONNECT with `will` (and a clean
 * session: clean=true on 3.1.1, clean start and session expiry 0 on 5), SUBSCRIBE `subscriptions`, then publish
 * `birth`. Make a new session (new timestamp) for every CONNECT, including mqtt.js reconnects.
 *
 * @example
 * const session = sparkplugHostSession('plantdesk-1010', Date.now());
 * const client = mqtt.connect(url, { clean: true, will: session.will });
 * client.on('connect', async () => {
 *   await client.subscribeAsync(session.subscriptions.map((s) => s.topic), { qos: 1 });
 *   await publish(session.birth);
 * });
 */
export interface SparkplugHostSession {
  readonly hostId: string;
  /** Epoch ms of the CONNECT; the birth repeats the will's timestamp, as Sparkplug 3.0 requires. */
  readonly timestamp: number;
  /** The mqtt.js `will` option: `{"online":false,"timestamp":…}`, QoS 1, retained. */
  readonly will: SparkplugPublish;
  /** `{"online":true,"timestamp":…}`, QoS 1, retained; publish after subscribing, and again on republishHostState. */
  readonly birth: SparkplugPublish;
  readonly subscriptions: readonly { readonly topic: string; readonly qos: 1 }[];
}

export function hostStatePayload(online: boolean, timestamp: number): Buffer {
  return Buffer.from(JSON.stringify({ online, timestamp }), 'utf8');
}

function statePublish(hostId: string, online: boolean, timestamp: number): SparkplugPublish {
  return { topic: hostStateTopic(hostId), payload: hostStatePayload(online, timestamp), qos: 1, retain: true };
}

/**
 * @param groups Sparkplug group ids to subscribe to; default all (`+`).
 * @throws RangeError for a host or group id that is empty or contains '/', '+' or '#' (a configuration error).
 */
export function sparkplugHostSession(hostId: string, connectAt: number, groups?: readonly string[]): SparkplugHostSession {
  if (!isValidSparkplugId(hostId)) throw new RangeError(`Sparkplug host id "${hostId}" must be non-empty without '/', '+' or '#'`);
  const bad = groups?.find((group) => !isValidSparkplugId(group));
  if (bad !== undefined) throw new RangeError(`Sparkplug group id "${bad}" must be non-empty without '/', '+' or '#'`);
  return {
    hostId,
    timestamp: connectAt,
    will: statePublish(hostId, false, connectAt),
    birth: statePublish(hostId, true, connectAt),
    subscriptions: sparkplugSubscriptions(hostId, groups),
  };
}

/** The death to publish before a deliberate disconnect (the broker drops the will on a clean DISCONNECT). */
export function hostStateDeath(hostId: string, at: number): SparkplugPublish {
  return statePublish(hostId, false, at);
}

/** Publishes one message; mqtt.js: `(m) => client.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain })`. */
export type SparkplugPublishFunction = (message: SparkplugPublish) => Promise<unknown> | void;

export type SparkplugActionOutcome =
  | { readonly action: SparkplugAction; readonly ok: true; readonly published: SparkplugPublish }
  | { readonly action: SparkplugAction; readonly ok: false; readonly error: string };

/**
 * Runs the actions of one consume in order: a rebirth publishes its NCMD (QoS 0, not retained); republishHostState
 * publishes the session's birth when the action is for this session's host id. Never rejects: a failed publish
 * is an outcome with the error (a rebirth that did not go out is asked for again by the next bad message after
 * the host's rebirthRetryMs).
 */
export async function executeSparkplugActions(
  actions: readonly SparkplugAction[],
  publish: SparkplugPublishFunction,
  session?: SparkplugHostSession,
): Promise<readonly SparkplugActionOutcome[]> {
  const outcomes: SparkplugActionOutcome[] = [];
  for (const action of actions) {
    const message = action.kind === 'rebirth' ? action.publish : session?.hostId === action.hostId ? session.birth : undefined;
    if (!message) {
      outcomes.push({ action, ok: false, error: `no session for host ${action.kind === 'republishHostState' ? action.hostId : '?'}` });
      continue;
    }
    try {
      await publish(message);
      outcomes.push({ action, ok: true, published: message });
    } catch (error) {
      outcomes.push({ action, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}
