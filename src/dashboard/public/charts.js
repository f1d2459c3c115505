// The altitude of tonight's planned targets as a uPlot chart (uPlot is loaded as a global by
// /vendor/uplot.iife.min.js before this module).
import { hourMinute } from './dom.js';

/** Distinct colours for the targets, in order. */
const COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
];

/** @type {any} the uPlot instance, rebuilt when the set of targets changes */
let chart = null;
/** @type {string} the targets (and horizon limit) the current chart was built for */
let shape = '';

/**
 * Draws (or redraws) the altitude chart; removes it when no target is planned.
 * @param {{times: number[], series: Array<{target: string, altitudes: Array<number | null>}>, horizonLimitDeg?: number}} data
 *   times in ms; `horizonLimitDeg`, when the server gives it, is drawn as a dashed line
 * @param {HTMLElement} target the container
 */
export function renderAltitudes(data, target) {
  const uPlot = /** @type {any} */ (globalThis).uPlot;
  if (uPlot === undefined)
    throw new Error('dashboard page: uPlot was not loaded from /vendor/uplot.iife.min.js');
  if (data.series.length === 0) {
    // A plan with nothing left in it: no stale curves.
    chart?.destroy();
    chart = null;
    shape = '';
    return;
  }
  const times = data.times.map((t) => t / 1000);
  const limit = typeof data.horizonLimitDeg === 'number' ? data.horizonLimitDeg : undefined;
  const columns = [times, ...data.series.map((s) => s.altitudes)];
  if (limit !== undefined) columns.push(times.map(() => limit));
  const newShape = JSON.stringify([data.series.map((s) => s.target), limit]);
  if (chart !== null && newShape === shape) {
    chart.setData(columns);
    return;
  }
  chart?.destroy();
  shape = newShape;
  const series = [
    {
      label: 'time (UTC)',
      value: (_u, v) => (v === null ? '—' : hourMinute(v * 1000)),
    },
    ...data.series.map((s, i) => ({
      label: s.target,
      stroke: COLOURS[i % COLOURS.length],
      width: 2,
      points: { show: false },
      value: (_u, v) => (v === null ? '—' : `${v.toFixed(1)}°`),
    })),
  ];
  if (limit !== undefined) series.push({ label: 'horizon limit', stroke: '#c0392b', dash: [6, 4], width: 1 });
  chart = new uPlot(
    {
      width: Math.max(300, target.clientWidth),
      height: 280,
      // Times on the axis in UTC, as everywhere in pyros.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: [0, 90] } },
      axes: [
        { values: (_u, ticks) => ticks.map((t) => hourMinute(t * 1000)) },
        { label: 'altitude (°)', values: (_u, ticks) => ticks.map((t) => `${t}°`) },
      ],
      series,
    },
    columns,
    target,
  );
}

/** Keeps the chart as wide as its container. */
export function resizeAltitudes(target) {
  chart?.setSize({ width: Math.max(300, target.clientWidth), height: 280 });
}
