// Owns the two training-curve charts (loss and accuracy, training and validation, vs epoch),
// drawn with uPlot inside containers whose size the page layout decides. The gap between the
// training and validation curves (the generalization gap) is shaded. For an ensemble the accuracy
// chart adds each member's validation accuracy as a thin line under the ensemble's bold one. A
// dotted vertical line marks the best epoch (lowest validation loss) on both charts. An overlay
// (the pinned config A of a comparison, or a saved run) adds its own training and validation
// curves with their gap shaded in its own colour, on the same epoch axis. Two toggles beside the
// chart headings put the loss axis and the epoch axis of both charts on a logarithmic scale; the
// choice is kept in this browser (localStorage), not in the config.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { evenIndices } from '../training/curve-history.js';
import { formatInt, formatLoss, formatPercent } from '../app/format.js';
import { cssVar, pixelRatio } from './canvas.js';

/** Charts show at most this many points per series; longer histories are thinned evenly. */
const MAX_POINTS = 3000;

/** Tick spacings of the epoch axis: whole epochs only (1, 2, 5, 10, 20, 50, ...). */
const EPOCH_INCRS = [];
for (let m = 1; m <= 1e9; m *= 10) EPOCH_INCRS.push(m, 2 * m, 5 * m);

/** Where the log-scale choice is kept in this browser. */
const STORE_KEY = 'overfit.chart.v1';

/**
 * No loss is drawn below this on the log axis. A loss of 0 (or below) has no logarithm: it is
 * drawn at a tenth of the smallest positive loss on the chart, but never below this floor.
 */
export const LOG_FLOOR = 1e-12;

/** Reads the kept log-scale choice; anything unreadable means linear axes. */
function loadScales() {
  try {
    const v = JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null');
    return { logLoss: v?.logLoss === true, logEpochs: v?.logEpochs === true };
  } catch {
    return { logLoss: false, logEpochs: false };
  }
}

/** Keeps the log-scale choice; where storage is unavailable it lasts until the page reloads. */
function saveScales(scales) {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(scales));
  } catch {
    // Storage can be full or switched off; the charts work the same without it.
  }
}

/**
 * The range of the log loss axis from the data's smallest and largest positive values, in whole
 * decades, so its ticks are powers of ten.
 */
function logRange(min, max) {
  if (!(min > 0) || !(max > 0)) return [0.01, 10];
  return uPlot.rangeLog(min, max, 10, true);
}

/** The range of the log epoch axis: exactly the epochs shown, so no empty decade follows. */
function logEpochRange(min, max) {
  if (!(min > 0) || !(max > 0)) return [1, 10];
  return min === max ? [min, min * 10] : [min, max];
}

/** Whether `v` is a power of ten. */
function isDecade(v) {
  const e = Math.log10(v);
  return Math.abs(e - Math.round(e)) < 1e-9;
}

/**
 * Grid lines and ticks of a log axis: at the labelled values and at every power of ten, not at
 * each of the nine steps of a decade, which would fill a chart of many decades with lines.
 */
const logGridFilter = (u, splits, axisIdx, space, incr) => {
  const labelled = u.axes[axisIdx].filter(u, splits, axisIdx, space, incr);
  return splits.map((v, i) => (labelled[i] != null || isDecade(v) ? v : null));
};

/** A tick label of a log axis: plain between 0.001 and 10,000, else in exponent form (1e-9). */
function logLabel(v) {
  if (v == null) return null;
  const r = +v.toPrecision(3);
  return r >= 1e-3 && r < 1e4 ? String(r) : r.toExponential();
}

/** A tick label of the epoch axis: whole epochs with thousands separators. */
function epochLabel(v) {
  if (v == null) return null;
  return v >= 1 ? formatInt(v) : String(+v.toPrecision(3));
}

/**
 * Thins parallel arrays evenly to at most MAX_POINTS, always keeping the last point, so the newest
 * value is on screen.
 */
function thin(columns) {
  const n = columns[0].length;
  if (n <= MAX_POINTS) return columns;
  const pick = evenIndices(n, MAX_POINTS);
  return columns.map((col) => pick.map((i) => col[i]));
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
    /** Whether the epoch (x) axis and the value (y) axis are logarithmic. */
    this.logX = false;
    this.logY = false;
    /** The joined columns before the log axis's floor was applied (the legend reads them). */
    this.raw = null;
    this.data = [[], [], []];
    /** Number of extra (ensemble member) series after training and validation. */
    this.members = 0;
    /** The overlay's [epoch, training, validation] columns, or null. */
    this.overlayData = null;
    /** The overlay's {label, kind} ('compare' or 'saved'), or null; the main run's label. */
    this.overlay = null;
    this.mainLabel = '';
    /** The epoch marked by a vertical line (early stopping's best epoch), or null. */
    this.marker = null;
    this.plot = null;
    this.build();
    this.resizer = new ResizeObserver(() => this.fit());
    this.resizer.observe(container);
  }

  build() {
    this.plot?.destroy();
    const fg = cssVar('--muted', '#555');
    const grid = cssVar('--grid', '#ddd');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const logAxis = { ...axis, grid: { ...axis.grid, filter: logGridFilter }, ticks: { ...axis.ticks, filter: logGridFilter } };
    const percent = this.percent;
    // R² (regression) is kept as 100 R² in the same columns as accuracies: shown as a plain
    // number, from R² = -1 (the axis's floor) to 1.
    const r2 = this.r2;
    const { logX, logY } = this;
    // The legend shows the value as measured, not as clamped for the log axis.
    const format = (u, v, si, di) => {
      const x = di == null ? v : this.raw?.[si]?.[di] ?? v;
      return x == null ? '–' : r2 ? (x / 100).toFixed(3) : percent ? formatPercent(x) : formatLoss(x);
    };
    const val = cssVar('--val', '#d55e00');
    const members = Array.from({ length: this.members }, (_, j) => ({
      label: `member ${j + 1}`, stroke: cssVar('--member', '#c0398f80'), width: 1, value: format, spanGaps: true,
    }));
    const prefix = this.mainLabel ? `${this.mainLabel} ` : '';
    const o = this.overlay;
    const overlaySeries = o
      ? [
        { label: `${o.label} training`, stroke: cssVar(`--${o.kind}-train`, '#0f7b6c'), width: 2, value: format, spanGaps: true },
        { label: `${o.label} validation`, stroke: cssVar(`--${o.kind}-val`, '#e69f00'), width: 2, dash: [2, 3], value: format, spanGaps: true },
      ]
      : [];
    const first = 3 + this.members;
    const gap = cssVar('--gap', 'rgba(192, 57, 143, 0.10)');
    // A band fills where its first series lies above its second: two bands shade the gap
    // whichever curve is on top.
    const bands = [
      { series: [1, 2], fill: gap },
      { series: [2, 1], fill: gap },
      ...(o ? [
        { series: [first, first + 1], fill: cssVar(`--${o.kind}-gap`, 'rgba(15, 123, 108, 0.12)') },
        { series: [first + 1, first], fill: cssVar(`--${o.kind}-gap`, 'rgba(15, 123, 108, 0.12)') },
      ] : []),
    ];
    const opts = {
      ...this.size(),
      scales: {
        x: logX
          ? { time: false, distr: 3, log: 10, range: (u, min, max) => logEpochRange(min, max) }
          : { time: false },
        y: r2
          ? { range: (u, min, max) => [Math.max(-100, Math.min(0, Math.floor((Number.isFinite(min) ? min : 0) / 10) * 10)), 100] }
          : percent
          ? { range: (u, min, max) => [Math.max(0, Math.floor((Number.isFinite(min) ? min : 0) / 10) * 10), 100] }
          : logY
            ? { distr: 3, log: 10, range: (u, min, max) => logRange(min, max) }
            : { range: (u, min, max) => [0, Number.isFinite(max) && max > 0 ? max * 1.05 : 1] },
      },
      axes: [
        logX
          ? { ...logAxis, label: 'epoch (log scale)', labelSize: 18, size: 32, values: (u, splits) => this.ticks('x', splits.map(epochLabel)) }
          : { ...axis, label: 'epoch', labelSize: 18, size: 32, incrs: EPOCH_INCRS, values: (u, splits) => this.ticks('x', splits.map(epochLabel)) },
        {
          ...(logY ? logAxis : axis), label: r2 ? 'R²' : logY ? `${this.yLabel} (log scale)` : this.yLabel, labelSize: 18, size: 48,
          values: (u, splits) => this.ticks('y', splits.map((v) => (v == null ? null : r2 ? String(+(v / 100).toFixed(2)) : percent ? `${v}%` : logY ? logLabel(v) : String(+v.toPrecision(3))))),
        },
      ],
      series: [
        { label: 'epoch', value: (u, v) => (v == null ? '–' : String(v)) },
        { label: `${prefix}training`, stroke: cssVar('--train', '#0072b2'), width: 2, value: format, spanGaps: true },
        // With ensemble members the validation line is the ensemble's, drawn bold and solid.
        this.members > 0
          ? { label: `${prefix}ensemble (validation)`, stroke: val, width: 3, value: format, spanGaps: true }
          : { label: `${prefix}validation`, stroke: val, width: 2, dash: [6, 4], value: format, spanGaps: true },
        ...members,
        ...overlaySeries,
      ],
      bands,
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [(u) => this.drawMarker(u)] },
      // The legend markers show each line's width and dash, so the bold ensemble and the thin
      // members read apart.
      legend: {
        live: true,
        markers: { width: (u, i) => u.series[i].width ?? 2, dash: (u, i) => (u.series[i].dash ? 'dashed' : 'solid') },
      },
    };
    this.container.dataset.xScale = logX ? 'log' : 'linear';
    this.container.dataset.yScale = logY ? 'log' : 'linear';
    this.plot = new uPlot(opts, this.joined(), this.container);
  }

  /**
   * Notes an axis's tick labels on the container (data-x-ticks, data-y-ticks: the labels drawn,
   * space-separated) for scripts and tests, and returns them to uPlot.
   */
  ticks(axis, labels) {
    const text = labels.filter((l) => l != null && l !== '').join(' ');
    const key = axis === 'x' ? 'xTicks' : 'yTicks';
    if (this.container.dataset[key] !== text) this.container.dataset[key] = text;
    return labels;
  }

  /**
   * The main columns and the overlay's on one shared epoch axis (missing values are null). On a
   * log epoch axis epochs below 1 are left out; on a log value axis values at or below the floor
   * (see LOG_FLOOR) are drawn at the floor, and `raw` keeps them as measured.
   */
  joined() {
    const main = thin(this.data);
    let cols = this.overlayData ? uPlot.join([main, thin(this.overlayData)]) : main;
    if (this.logX) {
      const first = cols[0].findIndex((x) => x > 0);
      if (first !== 0) cols = cols.map((col) => (first < 0 ? [] : col.slice(first)));
    }
    this.raw = cols;
    if (!this.logY) {
      if (this.container.dataset.logFloor) this.container.dataset.logFloor = '';
      return cols;
    }
    let smallest = Infinity;
    for (let s = 1; s < cols.length; s++) for (const v of cols[s]) if (v > 0 && v < smallest) smallest = v;
    const floor = Math.max(LOG_FLOOR, Number.isFinite(smallest) ? smallest / 10 : LOG_FLOOR);
    let clamped = 0;
    const shown = cols.map((col, s) => (s === 0 ? col : col.map((v) => {
      if (typeof v !== 'number' || !(v <= floor)) return v;
      clamped += 1;
      return floor;
    })));
    this.container.dataset.logFloor = clamped > 0 ? String(floor) : '';
    return shown;
  }

  /** Switches the epoch axis and the value axis between linear and log scales. */
  setScales({ logX, logY }) {
    const x = Boolean(logX);
    const y = Boolean(logY) && !this.percent;
    if (x === this.logX && y === this.logY) return;
    this.logX = x;
    this.logY = y;
    this.build();
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
    if (this.marker === null || this.data[0].length === 0 || (this.logX && !(this.marker > 0))) return;
    const x = Math.round(u.valToPos(this.marker, 'x', true));
    const { top, height, left, width } = u.bbox;
    if (x < left || x > left + width) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = cssVar('--best', '#009e73');
    const dpr = pixelRatio();
    ctx.lineWidth = 2 * dpr;
    ctx.setLineDash([3, 4].map((v) => v * dpr));
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

  /**
   * New data: the main columns [epoch, training, validation, ...members], the overlay's
   * [epoch, training, validation] (or null) with its {label, kind}, and the main run's label.
   */
  setData(data, overlayData = null, overlay = null, mainLabel = '') {
    this.data = data;
    this.overlayData = overlay ? overlayData : null;
    const layout = `${data.length}|${overlay?.label ?? ''}|${overlay?.kind ?? ''}|${mainLabel}`;
    if (layout !== this.layout) {
      this.layout = layout;
      this.members = data.length - 3;
      this.overlay = overlay;
      this.mainLabel = mainLabel;
      this.build();
      return;
    }
    this.plot.setData(this.joined());
  }
}

/**
 * The loss and accuracy charts. `update(history)` takes the page's history columns:
 * {epoch, trainLoss, valLoss, trainScore, valScore, members} (accuracies in percent; members is one
 * column of validation accuracies per ensemble member, empty for a single model). The page's
 * toggle buttons `[data-log="loss"]` (the loss axis) and `[data-log="epochs"]` (the epoch axis of
 * both charts) switch the log scales; their state shows in `aria-pressed`.
 */
export class Curves {
  constructor(lossContainer, accContainer) {
    this.loss = new Chart(lossContainer, { yLabel: 'loss', percent: false });
    this.acc = new Chart(accContainer, { yLabel: 'accuracy', percent: true });
    this.acc.r2 = false;
    /** {label, kind, history, mainLabel} drawn over the main run, or null. */
    this.overlay = null;
    this.scales = loadScales();
    this.toggles = {
      logLoss: document.querySelector('button[data-log="loss"]'),
      logEpochs: document.querySelector('button[data-log="epochs"]'),
    };
    for (const [key, button] of Object.entries(this.toggles)) {
      button?.addEventListener('click', () => {
        this.scales = { ...this.scales, [key]: !this.scales[key] };
        saveScales(this.scales);
        this.applyScales();
      });
    }
    this.applyScales();
  }

  /** Puts the kept log-scale choice on the charts and on the toggles' pressed state. */
  applyScales() {
    const { logLoss, logEpochs } = this.scales;
    for (const [key, button] of Object.entries(this.toggles)) button?.setAttribute('aria-pressed', String(this.scales[key]));
    this.loss.setScales({ logX: logEpochs, logY: logLoss });
    this.acc.setScales({ logX: logEpochs, logY: false });
  }

  /**
   * Sets (or with null removes) an overlay: `history` has the same columns as the main one;
   * `label` names it in the legend ('A', 'saved'), `kind` picks its colours ('compare' or
   * 'saved'), `mainLabel` names the main run meanwhile ('B').
   */
  setOverlay(overlay) {
    this.overlay = overlay;
  }

  update(h) {
    const o = this.overlay;
    const meta = o ? { label: o.label, kind: o.kind } : null;
    const mainLabel = o?.mainLabel ?? '';
    this.loss.setData([h.epoch, h.trainLoss, h.valLoss], o ? [o.history.epoch, o.history.trainLoss, o.history.valLoss] : null, meta, mainLabel);
    this.acc.setData([h.epoch, h.trainScore, h.valScore, ...(h.members ?? [])], o ? [o.history.epoch, o.history.trainScore, o.history.valScore] : null, meta, mainLabel);
  }

  /** The score chart shows accuracy (classification) or R² (regression, `true`). */
  setRegression(regression) {
    if (this.acc.r2 === Boolean(regression)) return;
    this.acc.r2 = Boolean(regression);
    this.acc.build();
  }

  /** Marks an epoch (the best one) with a vertical line on both charts; null removes it. */
  setMarker(epoch) {
    this.loss.setMarker(epoch);
    this.acc.setMarker(epoch);
  }

  /** Rebuilds both charts, e.g. after the colour scheme changed. */
  restyle() {
    this.loss.layout = null;
    this.acc.layout = null;
    this.loss.build();
    this.acc.build();
  }
}
