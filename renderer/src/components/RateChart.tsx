// Good parts per minute per line over the recent window. Streaming: no animation, string dataKeys.
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartData } from '../state/rateWindow';
import { formatTime } from './format';

/** Okabe–Ito colours plus a dash pattern per series, so lines differ without colour vision. */
const SERIES_LOOK = [
  { stroke: '#56b4e9', dash: undefined },
  { stroke: '#e69f00', dash: '8 4' },
  { stroke: '#009e73', dash: '2 3' },
  { stroke: '#f0e442', dash: '10 3 2 3' },
  { stroke: '#cc79a7', dash: '4 4' },
  { stroke: '#d55e00', dash: '12 6' },
] as const;

export interface RateChartProps {
  readonly data: ChartData;
  /** Fixed size (tests, screenshots); by default the chart fills its box. */
  readonly width?: number;
  readonly height?: number;
}

const lookOf = (i: number) => SERIES_LOOK[i % SERIES_LOOK.length] ?? SERIES_LOOK[0];

export function RateChart({ data, width, height }: RateChartProps) {
  const fixed = width !== undefined && height !== undefined;
  // Seconds on the axis only while the window is short enough for them to differ between ticks.
  const spanMs = (data.rows.at(-1)?.t ?? 0) - (data.rows[0]?.t ?? 0);
  const tickTime = (t: number) => (spanMs > 5 * 60_000 ? formatTime(t).slice(0, 5) : formatTime(t));
  return (
    <section className="panel chart-panel" aria-label="Good parts per minute">
      <h2 className="panel-title">Good parts per minute</h2>
      <ul className="chart-legend">
        {data.series.map((s, i) => (
          <li key={s.key}>
            <svg className="legend-swatch" viewBox="0 0 28 8" width="28" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="28" y2="4" stroke={lookOf(i).stroke} strokeWidth="3" strokeDasharray={lookOf(i).dash} />
            </svg>
            {s.line}
          </li>
        ))}
      </ul>
      {data.rows.length < 2 ? (
        <p className="empty">Collecting rate data…</p>
      ) : (
        <div className="chart-box">
          <LineChart
            data={data.rows}
            responsive={!fixed}
            {...(fixed ? { width, height } : { style: { width: '100%', height: '100%' } })}
            margin={{ top: 8, right: 28, bottom: 4, left: 0 }}
          >
            <CartesianGrid stroke="#2c3440" vertical={false} />
            <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={tickTime} stroke="#9aa4b2" minTickGap={40} />
            <YAxis stroke="#9aa4b2" allowDecimals={false} width={48} />
            <Tooltip
              isAnimationActive={false}
              labelFormatter={(t) => formatTime(Number(t))}
              contentStyle={{ background: '#161b22', border: '1px solid #3a4452' }}
            />
            {data.series.map((s, i) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.line}
                type="monotone"
                stroke={lookOf(i).stroke}
                strokeDasharray={lookOf(i).dash}
                strokeWidth={2.5}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </div>
      )}
    </section>
  );
}
