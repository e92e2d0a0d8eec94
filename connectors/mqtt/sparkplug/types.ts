// Public types of the Sparkplug B host: what a consumed message yields, what the host asks to publish, and the
// node/device status list for the API. Every value here is JSON-safe (it survives JSON.stringify/parse unchanged).

/** Sparkplug B datatype names, indexed by their protobuf code (0 = Unknown, 22–34 are the 3.0 array types). */
export const SPARKPLUG_DATATYPES = [
  'Unknown', 'Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean',
  'String', 'DateTime', 'Text', 'UUID', 'DataSet', 'Bytes', 'File', 'Template', 'PropertySet', 'PropertySetList',
  'Int8Array', 'Int16Array', 'Int32Array', 'Int64Array', 'UInt8Array', 'UInt16Array', 'UInt32Array', 'UInt64Array',
  'FloatArray', 'DoubleArray', 'BooleanArray', 'StringArray', 'DateTimeArray',
] as const;

export type SparkplugDataType = (typeof SPARKPLUG_DATATYPES)[number];

/**
 * A metric value as JSON: integers as numbers, or as decimal strings beyond ±2^53; Float/Double NaN and ±Infinity
 * as the strings "NaN", "Infinity", "-Infinity"; Bytes, File and BooleanArray as base64; DateTime as epoch ms;
 * DataSet as { columns, types, rows }; Template as its protobuf JSON form; PropertySet as { key: value }.
 */
export type SparkplugValue = null | boolean | number | string | readonly SparkplugValue[] | { readonly [key: string]: SparkplugValue };

export const EDGE_MESSAGE_TYPES = ['NBIRTH', 'NDATA', 'NDEATH', 'NCMD', 'DBIRTH', 'DDATA', 'DDEATH', 'DCMD'] as const;
export type SparkplugMessageType = (typeof EDGE_MESSAGE_TYPES)[number];

/** A parsed topic: an edge node's message `spBv1.0/{group}/{type}/{node}[/{device}]`, or a host's STATE. */
export type SparkplugTopic =
  | {
      readonly kind: 'edge';
      readonly type: SparkplugMessageType;
      readonly group: string;
      readonly node: string;
      /** Set for DBIRTH, DDATA, DDEATH and DCMD. */
      readonly device: string | null;
    }
  | {
      readonly kind: 'state';
      readonly hostId: string;
      /** true for the Sparkplug 2.2 form `STATE/{hostId}` with "ONLINE"/"OFFLINE"; false for `spBv1.0/STATE/{hostId}`. */
      readonly legacy: boolean;
    };

/** One decoded metric of an NBIRTH, NDATA, DBIRTH or DDATA, with its alias already resolved to its name. */
export interface SparkplugMetric {
  readonly group: string;
  readonly node: string;
  readonly device: string | null;
  readonly messageType: 'NBIRTH' | 'NDATA' | 'DBIRTH' | 'DDATA';
  readonly name: string;
  /** From the message itself in a BIRTH, from the BIRTH for DATA (DATA usually omits it). */
  readonly datatype: SparkplugDataType;
  readonly value: SparkplugValue;
  /** Epoch ms: the metric's own timestamp, else the payload's, else the receive time. */
  readonly timestamp: number;
  readonly isHistorical: boolean;
  readonly isTransient: boolean;
  /** The metric's property set (engineering units, ...) when the message carries one. */
  readonly properties?: { readonly [key: string]: SparkplugValue };
}

/** An MQTT publish, in the shape mqtt.js takes for `publish` options and for the `will` of a CONNECT. */
export interface SparkplugPublish {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

/** Something the host asks the MQTT side to do; executeSparkplugActions (mqttHost.ts) runs them. */
export type SparkplugAction =
  | {
      /** NCMD `Node Control/Rebirth` = true, QoS 0, not retained (Sparkplug 3.0 tck-id-topics-ncmd-mqtt). */
      readonly kind: 'rebirth';
      readonly group: string;
      readonly node: string;
      readonly reason: string;
      readonly publish: SparkplugPublish;
    }
  | {
      /** Our own STATE topic carried online:false while we are connected: publish the STATE birth again. */
      readonly kind: 'republishHostState';
      readonly hostId: string;
      readonly reason: string;
    };

export type SparkplugConsumeResult =
  | {
      readonly ok: true;
      readonly topic: SparkplugTopic;
      /** Empty for deaths and STATE messages. */
      readonly accepted: readonly SparkplugMetric[];
      readonly actions: readonly SparkplugAction[];
    }
  | {
      readonly ok: false;
      /** null when the topic itself is not Sparkplug B. */
      readonly topic: SparkplugTopic | null;
      /** Plain words for the console: what was wrong and what the host did about it. */
      readonly rejected: string;
      readonly actions: readonly SparkplugAction[];
    };

/** online: born and heard from within staleAfterMs; stale: born but silent (or the host lost its broker). */
export type SparkplugLiveness = 'online' | 'stale' | 'offline';

export interface SparkplugDeviceStatus {
  readonly device: string;
  /** A device is stale when its node is; offline when its node is. */
  readonly state: SparkplugLiveness;
  /** Receive time (epoch ms) of the DBIRTH or DDEATH that set the current online/offline state. */
  readonly since: number | null;
  readonly lastMessageAt: number | null;
  readonly metricCount: number;
}

export interface SparkplugNodeStatus {
  readonly group: string;
  readonly node: string;
  readonly state: SparkplugLiveness;
  /** Receive time (epoch ms) of the NBIRTH or NDEATH that set the current online/offline state. */
  readonly since: number | null;
  readonly lastMessageAt: number | null;
  /** Why the node's data is not being accepted until its next NBIRTH; null when all is well. */
  readonly awaitingRebirth: string | null;
  readonly rebirthRequestedAt: number | null;
  /** bdSeq of the current NBIRTH (or of the last NDEATH); a decimal string beyond 2^53. */
  readonly bdSeq: number | string | null;
  /** Last sequence number accepted in this session (0–255). */
  readonly seq: number | null;
  readonly metricCount: number;
  readonly devices: readonly SparkplugDeviceStatus[];
}

/** The last STATE seen for a host application (ours or another). */
export interface SparkplugHostStatus {
  readonly hostId: string;
  readonly online: boolean;
  /** The STATE payload's timestamp (epoch ms); null for the 2.2 "ONLINE"/"OFFLINE" form. */
  readonly timestamp: number | null;
  readonly receivedAt: number;
}
