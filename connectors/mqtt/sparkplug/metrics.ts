// Reads the metrics of a BIRTH (building the name/alias catalog) and of a DATA message (resolved against that
// catalog), with timestamp checks. Pure; failures are reasons in plain words.
import { has, type RawMetric } from './payload.js';
import type { SparkplugMetric, SparkplugValue } from './types.js';
import { convertValue, datatypeName, propertySet, toBigInt } from './values.js';

export interface MetricDef {
  readonly name: string;
  readonly datatype: number;
}

/** What a BIRTH declared: every metric by name, and by alias where it has one. Aliases are kept as decimal strings. */
export interface MetricCatalog {
  readonly byName: ReadonlyMap<string, MetricDef>;
  readonly byAlias: ReadonlyMap<string, MetricDef>;
}

export interface TimeLimits {
  readonly maxAgeMs: number;
  readonly maxFutureMs: number;
}

export interface MessageContext {
  readonly group: string;
  readonly node: string;
  readonly device: string | null;
  readonly messageType: SparkplugMetric['messageType'];
  readonly receivedAt: number;
  /** The payload's timestamp, already checked; undefined when it has none. */
  readonly payloadTimestamp: number | undefined;
  readonly limits: TimeLimits;
}

export type BirthRead = { readonly ok: true; readonly catalog: MetricCatalog; readonly metrics: SparkplugMetric[] } | { readonly ok: false; readonly reason: string };
/** rebirth: the message does not match what the BIRTH declared, so the host's picture of the node is wrong. */
export type DataRead = { readonly ok: true; readonly metrics: SparkplugMetric[] } | { readonly ok: false; readonly reason: string; readonly rebirth: boolean };

function describeTime(ms: bigint): string {
  const abs = ms < 0n ? -ms : ms;
  return abs <= 8_640_000_000_000_000n ? new Date(Number(ms)).toISOString() : `${ms} ms`;
}

function describeSpan(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

/**
 * An epoch-ms timestamp (uint64 on the wire) checked against the receive time: at most maxFutureMs ahead and
 * maxAgeMs behind. Returns the number, or a reason.
 */
export function checkTimestamp(raw: unknown, receivedAt: number, limits: TimeLimits): { ok: true; value: number } | { ok: false; reason: string } {
  const ms = toBigInt(raw);
  if (ms === undefined) return { ok: false, reason: 'timestamp is not an integer' };
  const signed = BigInt.asIntN(64, ms);
  const ahead = Number(signed) - receivedAt;
  if (ahead > limits.maxFutureMs) {
    return { ok: false, reason: `timestamp ${describeTime(signed)} is ${describeSpan(ahead)} in the future (limit ${describeSpan(limits.maxFutureMs)})` };
  }
  if (-ahead > limits.maxAgeMs) {
    return { ok: false, reason: `timestamp ${describeTime(signed)} is ${describeSpan(-ahead)} old (limit ${describeSpan(limits.maxAgeMs)})` };
  }
  return { ok: true, value: Number(signed) };
}

function aliasKey(metric: RawMetric): string | undefined {
  if (!has(metric, 'alias')) return undefined;
  const alias = toBigInt(metric.alias);
  return alias === undefined ? undefined : alias.toString();
}

function label(metric: RawMetric, index: number): string {
  if (metric.name) return `metric '${metric.name}'`;
  const alias = aliasKey(metric);
  return alias !== undefined ? `metric with alias ${alias}` : `metric #${index + 1}`;
}

function output(ctx: MessageContext, metric: RawMetric, def: MetricDef): { ok: true; metric: SparkplugMetric } | { ok: false; reason: string } {
  const name = `metric '${def.name}'`;
  const value = convertValue(metric, def.datatype);
  if (!value.ok) return { ok: false, reason: `${name}: ${value.reason}` };
  let timestamp = ctx.payloadTimestamp ?? ctx.receivedAt;
  if (has(metric, 'timestamp')) {
    const checked = checkTimestamp(metric.timestamp, ctx.receivedAt, ctx.limits);
    if (!checked.ok) return { ok: false, reason: `${name}: ${checked.reason}` };
    timestamp = checked.value;
  }
  let properties: { readonly [key: string]: SparkplugValue } | undefined;
  if (metric.properties) {
    const read = propertySet(metric.properties);
    if (!read.ok) return { ok: false, reason: `${name}: ${read.reason}` };
    properties = read.value as { readonly [key: string]: SparkplugValue };
  }
  return {
    ok: true,
    metric: {
      group: ctx.group,
      node: ctx.node,
      device: ctx.device,
      messageType: ctx.messageType,
      name: def.name,
      datatype: datatypeName(def.datatype) ?? 'Unknown',
      value: value.value,
      timestamp,
      isHistorical: metric.isHistorical === true,
      isTransient: metric.isTransient === true,
      ...(properties ? { properties } : {}),
    },
  };
}

/** An NBIRTH or DBIRTH: every metric needs a name and a known datatype; names and aliases must be unique. */
export function readBirth(metrics: readonly RawMetric[], ctx: MessageContext): BirthRead {
  const byName = new Map<string, MetricDef>();
  const byAlias = new Map<string, MetricDef>();
  const out: SparkplugMetric[] = [];
  for (const [index, metric] of metrics.entries()) {
    if (!metric.name) return { ok: false, reason: `${label(metric, index)} has no name (required in a BIRTH)` };
    const datatype = metric.datatype ?? 0;
    if (!has(metric, 'datatype') || datatypeName(datatype) === undefined) {
      return { ok: false, reason: `${label(metric, index)} has ${has(metric, 'datatype') ? `the unknown datatype ${datatype}` : 'no datatype'} (required in a BIRTH)` };
    }
    if (byName.has(metric.name)) return { ok: false, reason: `${label(metric, index)} appears twice` };
    const def: MetricDef = { name: metric.name, datatype };
    const alias = aliasKey(metric);
    if (alias !== undefined) {
      const taken = byAlias.get(alias);
      if (taken) return { ok: false, reason: `alias ${alias} is given to both '${taken.name}' and '${def.name}'` };
      byAlias.set(alias, def);
    }
    byName.set(def.name, def);
    const read = output(ctx, metric, def);
    if (!read.ok) return read;
    out.push(read.metric);
  }
  return { ok: true, catalog: { byName, byAlias }, metrics: out };
}

/** An NDATA or DDATA: each metric by alias (or name) from the catalog, the value read by the BIRTH's datatype. */
export function readData(metrics: readonly RawMetric[], catalog: MetricCatalog, ctx: MessageContext): DataRead {
  const out: SparkplugMetric[] = [];
  for (const [index, metric] of metrics.entries()) {
    const alias = aliasKey(metric);
    let def: MetricDef | undefined;
    if (alias !== undefined) {
      def = catalog.byAlias.get(alias);
      if (!def) return { ok: false, reason: `${label(metric, index)} was not declared in the BIRTH`, rebirth: true };
    } else if (metric.name) {
      def = catalog.byName.get(metric.name);
      if (!def) return { ok: false, reason: `${label(metric, index)} was not declared in the BIRTH`, rebirth: true };
    } else {
      return { ok: false, reason: `${label(metric, index)} has neither a name nor an alias`, rebirth: false };
    }
    if (has(metric, 'datatype') && metric.datatype !== def.datatype) {
      const declared = datatypeName(def.datatype) ?? String(def.datatype);
      return { ok: false, reason: `${label(metric, index)} is ${datatypeName(metric.datatype ?? 0) ?? metric.datatype} here but ${declared} in the BIRTH`, rebirth: true };
    }
    const read = output(ctx, metric, def);
    if (!read.ok) return { ...read, rebirth: false };
    out.push(read.metric);
  }
  return { ok: true, metrics: out };
}

/** The bdSeq metric's value (NBIRTH / NDEATH), undefined when absent or not an integer. */
export function readBdSeq(metrics: readonly RawMetric[]): bigint | undefined {
  const metric = metrics.find((m) => m.name === 'bdSeq');
  if (!metric) return undefined;
  const value = has(metric, 'longValue') ? metric.longValue : has(metric, 'intValue') ? metric.intValue : undefined;
  const raw = toBigInt(value);
  return raw === undefined ? undefined : BigInt.asUintN(64, raw);
}
