// Turns the agent's RateSeries into recharts rows: a fixed window, parts per minute, safe string keys.
import type { RateSeries } from '../../../domain/api';

export interface ChartSeries {
  /** dataKey: "s0", "s1", ... (line names may contain dots, which recharts would read as a path). */
  readonly key: string;
  readonly line: string;
}
export type ChartRow = Readonly<Record<string, number>> & { readonly t: number };

export interface ChartData {
  readonly bucketS: number;
  readonly series: readonly ChartSeries[];
  readonly rows: readonly ChartRow[];
}

/** Points kept for the chart. */
export const RATE_WINDOW = 60;

/**
 * @param rate points per bucket, `t` the bucket start in epoch ms (domain/api.ts RateSeries)
 * @param atMs the snapshot's time; the bucket still filling at that time is left out, so the newest
 *   point does not read as a sudden drop
 */
export function toChartData(rate: RateSeries, atMs: number, window = RATE_WINDOW): ChartData {
  const bucketS = rate.bucketS > 0 ? rate.bucketS : 60;
  const perMinute = 60 / bucketS;
  const series = rate.lines.map((line, i) => ({ key: `s${i}`, line }));
  const complete = Number.isFinite(atMs) ? rate.points.filter((p) => p.t + bucketS * 1000 <= atMs) : rate.points;
  const rows = complete.slice(-window).map((point) => {
    const row: Record<string, number> = { t: point.t };
    for (const { key, line } of series) row[key] = round1((point.perLine[line] ?? 0) * perMinute);
    return row as ChartRow;
  });
  return { bucketS, series, rows };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
