// Confirmations posted to the ERP per minute over the last 30 minutes (fixed window, no animation).
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { ThroughputPoint } from '../state/consoleScreens';
import { formatTime } from './format';

export interface ThroughputChartProps {
  readonly points: readonly ThroughputPoint[];
  readonly width?: number;
  readonly height?: number;
}

export function ThroughputChart({ points, width, height }: ThroughputChartProps) {
  const fixed = width !== undefined && height !== undefined;
  return (
    <section className="panel" aria-labelledby="throughput-title">
      <h2 className="panel-title" id="throughput-title">Posted to ERP per minute</h2>
      {points.length < 2 ? (
        <p className="empty">Collecting throughput (a point every 30 s)…</p>
      ) : (
        <div className="chart-box" role="img" aria-label={`Posted per minute, latest ${points.at(-1)?.postedPerMin ?? 0}`}>
          <AreaChart data={points as ThroughputPoint[]} responsive={!fixed} {...(fixed ? { width, height } : { style: { width: '100%', height: '100%' } })} margin={{ top: 8, right: 24, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="var(--line)" vertical={false} />
            <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => formatTime(t).slice(0, 5)} stroke="var(--muted)" minTickGap={40} />
            <YAxis stroke="var(--muted)" width={48} allowDecimals={false} />
            <Tooltip isAnimationActive={false} labelFormatter={(t) => formatTime(Number(t))} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--line)' }} />
            <Area dataKey="postedPerMin" name="posted / min" type="monotone" stroke="#56b4e9" fill="#56b4e9" fillOpacity={0.25} strokeWidth={2.5} isAnimationActive={false} />
          </AreaChart>
        </div>
      )}
    </section>
  );
}
