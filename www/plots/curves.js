// Owns the two training-curve charts (loss and accuracy, training and validation, vs epoch),
// drawn with uPlot inside containers whose size the page layout decides. For an ensemble the
// accuracy chart adds each member's validation accuracy as a thin line under the ensemble's bold
// one. A dotted vertical line marks the best epoch (lowest validation loss) on both charts.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Charts show at most this many points per series; longer histories are thinned evenly. */
const MAX_POINTS = 3000;

/** Tick spacings of the epoch axis: whole epochs only (1, 2, 5, 10, 20, 50, ...). */
const EPOCH_INCRS = [];
for (let m = 1; m <= 1e9; m *= 10) EPOCH_INCRS.push(m, 2 * m, 5 * m);

/** Reads a CSS custom property of the document, e.g. '--train'. */
function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * Thins parallel arrays to at most MAX_POINTS by taking every k-th point, always keeping the last
 * one, so the newest value is on screen.
 */
function thin(columns) {
  const n = columns[0].length;
  if (n <= MAX_POINTS) return columns;
  const k = Math.ceil(n / MAX_POINTS);
  return columns.map((col) => {
    const out = [];
    for (let i = 0; i < n; i += k) out.push(col[i]);
    if ((n - 1) % k !== 0) out.push(col[n - 1]);
    return out;
  });
}

/**
 * One uPlot chart in `container` (which must have a size of its own: the chart fills it).
 * `yLabel` names the y axis; `percent` formats the axis as percentages.
 */
class Chart {
  constructor(container, { yLabel, percent }) {
    this.container = container;
    this.yLabel = yLabel;
    this.percent = percent;
    this.data = [[], [], []];
    /** Number of extra (ensemble member) series after training and validation. */
    this.members = 0;
    /** The epoch marked by a vertical line (early stopping's best epoch), or null. */
    this.marker = null;
    this.plot = null;
    this.build();
    this.resizer = new ResizeObserver(() => this.fit());
    this.resizer.observe(container);
  }

  build() {
    this.plot?.destroy();
    const fg = cssVar('--muted') || '#555';
    const grid = cssVar('--grid') || '#ddd';
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const percent = this.percent;
    const format = (u, v) => (v == null ? '–' : percent ? `${v.toFixed(1)} %` : v.toFixed(4));
    const val = cssVar('--val') || '#d55e00';
    const members = Array.from({ length: this.members }, (_, j) => ({
      label: `member ${j + 1}`, stroke: cssVar('--member') || '#c0398f80', width: 1, value: format,
    }));
    const opts = {
      ...this.size(),
      scales: {
        x: { time: false },
        y: percent
          ? { range: (u, min, max) => [Math.max(0, Math.floor((Number.isFinite(min) ? min : 0) / 10) * 10), 100] }
          : { range: (u, min, max) => [0, Number.isFinite(max) && max > 0 ? max * 1.05 : 1] },
      },
      axes: [
        { ...axis, label: 'epoch', labelSize: 18, size: 32, incrs: EPOCH_INCRS },
        {
          ...axis, label: this.yLabel, labelSize: 18, size: 48,
          values: (u, splits) => splits.map((v) => (percent ? `${v}%` : String(+v.toPrecision(3)))),
        },
      ],
      series: [
        { label: 'epoch', value: (u, v) => (v == null ? '–' : String(v)) },
        { label: 'training', stroke: cssVar('--train') || '#0072b2', width: 2, value: format },
        // With ensemble members the validation line is the ensemble's, drawn bold and solid.
        this.members > 0
          ? { label: 'ensemble (validation)', stroke: val, width: 3, value: format }
          : { label: 'validation', stroke: val, width: 2, dash: [6, 4], value: format },
        ...members,
      ],
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [(u) => this.drawMarker(u)] },
      // The legend markers show each line's width and dash, so the bold ensemble and the thin
      // members read apart.
      legend: {
        live: true,
        markers: { width: (u, i) => u.series[i].width ?? 2, dash: (u, i) => (u.series[i].dash ? 'dashed' : 'solid') },
      },
    };
    this.plot = new uPlot(opts, thin(this.data), this.container);
  }

  /** The plot size that fills the container (the legend floats over the plot, see style.css). */
  size() {
    return {
      width: Math.max(120, Math.floor(this.container.clientWidth)),
      height: Math.max(80, Math.floor(this.container.clientHeight)),
    };
  }

  /** Draws the best-epoch line on the plot's canvas (a uPlot draw hook). */
  drawMarker(u) {
    if (this.marker === null || this.data[0].length === 0) return;
    const x = Math.round(u.valToPos(this.marker, 'x', true));
    const { top, height, left, width } = u.bbox;
    if (x < left || x > left + width) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = cssVar('--best') || '#009e73';
    ctx.lineWidth = 2 * (window.devicePixelRatio || 1);
    ctx.setLineDash([3, 4].map((v) => v * (window.devicePixelRatio || 1)));
    ctx.beginPath();
    ctx.moveTo(x + 0.5, top);
    ctx.lineTo(x + 0.5, top + height);
    ctx.stroke();
    ctx.restore();
  }

  setMarker(epoch) {
    if (epoch === this.marker) return;
    this.marker = epoch;
    this.plot.redraw(false, false);
  }

  fit() {
    const { width, height } = this.size();
    if (width !== this.plot.width || height !== this.plot.height) this.plot.setSize({ width, height });
  }

  setData(data) {
    this.data = data;
    if (data.length - 3 !== this.members) {
      this.members = data.length - 3;
      this.build();
      return;
    }
    this.plot.setData(thin(data));
  }
}

/**
 * The loss and accuracy charts. `update(history)` takes the page's history columns:
 * {epoch, trainLoss, valLoss, trainAcc, valAcc, members} (accuracies in percent; members is one
 * column of validation accuracies per ensemble member, empty for a single model).
 */
export class Curves {
  constructor(lossContainer, accContainer) {
    this.loss = new Chart(lossContainer, { yLabel: 'loss', percent: false });
    this.acc = new Chart(accContainer, { yLabel: 'accuracy', percent: true });
  }

  update(h) {
    this.loss.setData([h.epoch, h.trainLoss, h.valLoss]);
    this.acc.setData([h.epoch, h.trainAcc, h.valAcc, ...(h.members ?? [])]);
  }

  /** Marks an epoch (the best one) with a vertical line on both charts; null removes it. */
  setMarker(epoch) {
    this.loss.setMarker(epoch);
    this.acc.setMarker(epoch);
  }

  /** Rebuilds both charts, e.g. after the colour scheme changed. */
  restyle() {
    this.loss.build();
    this.acc.build();
  }
}
