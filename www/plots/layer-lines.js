// Owns the init lab's std-per-layer chart: one line per statistic (activation std, gradient std)
// against the layer number, on a log10 y axis, drawn with uPlot, with a fixed legend naming the
// lines. Values that are not positive (a log axis cannot show them: zeros init gives exactly 0)
// are left as gaps.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cssVar } from './canvas.js';

/** Plot height in CSS pixels; the legend goes below it. */
const HEIGHT = 150;

/**
 * The y axis ticks: powers of ten inside [min, max], every k-th one so that at most eight show
 * (uPlot's own log splits add the 2..9 multiples, too dense for a chart this small).
 */
function decades(u, axisIdx, min, max) {
  const lo = Math.ceil(Math.log10(min) - 1e-9);
  const hi = Math.floor(Math.log10(max) + 1e-9);
  const step = Math.max(1, Math.ceil((hi - lo + 1) / 8));
  const out = [];
  for (let e = lo; e <= hi; e += step) out.push(10 ** e);
  return out;
}

/** Whole layer numbers only on the x axis (1, 2, 5, 10, 20, ...). */
const LAYER_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export class LayerLinesChart {
  /** `container` receives the chart; its width decides the plot's. */
  constructor(container) {
    this.container = container;
    this.plot = null;
    this.key = '';
    new ResizeObserver(() => this.fit()).observe(container);
  }

  width() {
    return Math.max(160, Math.floor(this.container.clientWidth));
  }

  fit() {
    if (this.plot && this.plot.width !== this.width()) this.plot.setSize({ width: this.width(), height: HEIGHT });
  }

  /**
   * Draws `series`, [{values, color, label}], against layers 1..n; `yLabel` names the y axis.
   * The chart is rebuilt only when the lines' labels or colours change.
   */
  draw(series, { yLabel }) {
    const n = Math.max(0, ...series.map((s) => s.values.length));
    const data = [
      Array.from({ length: n }, (_, i) => i + 1),
      ...series.map((s) => Array.from({ length: n }, (_, i) => (s.values[i] > 0 && Number.isFinite(s.values[i]) ? s.values[i] : null))),
    ];
    const key = JSON.stringify([yLabel, series.map((s) => [s.label, s.color])]);
    if (this.plot && key === this.key) {
      this.plot.setData(data);
      return;
    }
    this.key = key;
    this.plot?.destroy();
    const muted = cssVar('--muted', '#666');
    const grid = cssVar('--grid', '#ddd');
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif' };
    this.plot = new uPlot({
      width: this.width(),
      height: HEIGHT,
      scales: { x: { time: false }, y: { distr: 3, log: 10 } },
      axes: [
        { ...axis, label: 'layer', labelSize: 14, size: 28, incrs: LAYER_INCRS },
        { ...axis, label: yLabel, labelSize: 14, size: 52, splits: decades, values: (u, splits) => splits.map((v) => (Number.isFinite(v) ? v.toExponential(0) : '')) },
      ],
      series: [
        { label: 'layer' },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true, size: 5, fill: s.color }, spanGaps: false })),
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
    }, data, this.container);
  }
}
