/** Small pieces every page uses: errors, cards, badges, and a uPlot chart. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const code = (error as { code?: string }).code;
  return (
    <div class="error" role="alert">
      {code ? <strong>{code}: </strong> : null}
      {error.message}
    </div>
  );
}

export function Card({ label, value, tone }: { label: string; value: ComponentChildren; tone?: 'ok' | 'warn' | 'bad' }) {
  return (
    <div class="card">
      <div class="label">{label}</div>
      <div class="value" style={tone ? { color: `var(--${tone})` } : undefined}>
        {value}
      </div>
    </div>
  );
}

export function Badge({ tone, children }: { tone?: 'ok' | 'warn' | 'bad'; children: ComponentChildren }) {
  return <span class={`badge ${tone ?? ''}`}>{children}</span>;
}

const PALETTE = ['#4f8cff', '#3fb950', '#d29922', '#f85149', '#a371f7', '#39c5cf', '#ff7b72', '#e3b341'];

export interface Series {
  label: string;
  values: Array<number | null>;
}

/** A time chart: `times` in ms, one line per series. */
export function Chart({ title, times, series, unit }: { title: string; times: number[]; series: Series[]; unit: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('\u0000');
  useEffect(() => {
    const el = box.current!;
    const muted = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888';
    const grid = getComputedStyle(document.documentElement).getPropertyValue('--border').trim() || '#333';
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    plot.current = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 200,
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true, value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${+v.toFixed(2)} ${unit}`) }))],
        axes: [axis, { ...axis, size: 60, values: (_u: uPlot, vals: number[]) => vals.map((v) => `${+v.toFixed(2)}`) }],
        scales: { x: { time: true } },
        legend: { live: true },
      },
      [times.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(300, el.clientWidth), height: 200 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, unit]);
  useEffect(() => {
    plot.current?.setData([times.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [times, series]);
  return (
    <div class="chart" data-chart={title}>
      <h3>{title}</h3>
      {times.length < 2 ? <div class="muted">collecting samples…</div> : null}
      <div ref={box} />
    </div>
  );
}

export function Headers({ headers }: { headers: Array<{ key: string; value: string }> }) {
  if (headers.length === 0) return <span class="muted">—</span>;
  return (
    <div class="headers">
      {headers.map((h) => (
        <span>
          {h.key}={h.value}
        </span>
      ))}
    </div>
  );
}

/** The one row of a table with nothing to list, saying why. */
export function EmptyRow({ columns, children }: { columns: number; children: ComponentChildren }) {
  return (
    <tr>
      <td colSpan={columns} class="muted">
        {children}
      </td>
    </tr>
  );
}
