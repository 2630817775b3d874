// Owns the Experiments chart: the final (or best-epoch) training and validation figure of every
// run of a sweep against the swept knob, one dot per seed, the median across seeds as a line with
// the seeds' min-max band, and the generalization gap (between the median training and validation
// lines) shaded; one colour per series value when the sweep has a second knob. The x axis is
// logarithmic where the knob's values are (all positive and the knob log-spaced), categorical for
// option knobs. Clicking near a dot reports that run. Drawn on a plain canvas, so PNG export is
// the canvas itself.

import { cssVar, pixelRatio } from '../plots/canvas.js';
import { formatSignificant } from '../app/format.js';
import { drawReference } from './paper-reference.js';

/** Colours of the series (a second knob) in order; one series uses the page's train/val colours. */
const SERIES_COLORS = ['#2f6fb0', '#d0562a', '#2a9d5b', '#8a4fbf', '#b08a1e', '#1f9aa8'];

/** The core's name of each metric the chart offers (the score slot holds accuracy or R²). */
const SLOT = { loss: 'loss', accuracy: 'score', error: 'error' };
/** A spread with no figures: the validation side of a metric only the training split has. */
const NONE = { ys: [], median: null, min: null, max: null };

/**
 * Groups the core's summary cells (wasm `sweep_summary`, src/sweep/summary.rs) by series for
 * one metric and moment: per cell its value, its records, and per split the seeds' figures with
 * their median, min and max, all computed by the core.
 */
export function groupCells(cells, records, metric, which) {
  const groups = [];
  for (const c of cells) {
    let g = groups.find((x) => same(x.series, c.series ?? null));
    if (!g) groups.push((g = { series: c.series ?? null, cells: [] }));
    const runs = c.runs.map((i) => records[i]);
    // The epochs to fit the training split (Zhang et al.'s "time to overfit") belong to the
    // training split alone, and to the whole run rather than to a moment of it.
    if (metric === 'fit') g.cells.push({ value: c.value, records: runs, train: c.fit_epochs ?? NONE, val: NONE });
    else g.cells.push({ value: c.value, records: runs, train: c[which].train[SLOT[metric]], val: c[which].val[SLOT[metric]] });
  }
  return groups;
}

const same = (a, b) => (a === null || b === null ? a === b : String(a) === String(b));

/** The x scale: 'log' (numbers, all > 0, log knob), 'linear' (numbers) or 'category'. */
export function xScale(values, knob) {
  if (!values.every((v) => typeof v === 'number')) return 'category';
  return knob?.log && values.every((v) => v > 0) && values.length > 1 ? 'log' : 'linear';
}

function niceTicks(lo, hi, n = 5) {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function label(v) {
  if (typeof v !== 'number') return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(0);
  return formatSignificant(v, 4);
}

export class SweepChart {
  /** `onPick(record)` is called when a dot is clicked. */
  constructor(canvas, { onPick }) {
    this.canvas = canvas;
    this.onPick = onPick;
    this.dots = [];
    this.state = null;
    canvas.addEventListener('click', (event) => {
      const r = canvas.getBoundingClientRect();
      const hit = this.hit(event.clientX - r.left, event.clientY - r.top);
      if (hit) this.onPick(hit);
    });
    canvas.addEventListener('mousemove', (event) => {
      const r = canvas.getBoundingClientRect();
      canvas.style.cursor = this.hit(event.clientX - r.left, event.clientY - r.top) ? 'pointer' : '';
    });
    new ResizeObserver(() => this.state && this.draw(this.state)).observe(canvas);
  }

  /** The record of the dot nearest to (x, y) in CSS pixels, within 8 px; or null. */
  hit(x, y) {
    let best = null;
    let bestD = 64;
    for (const d of this.dots) {
      const dd = (d.x - x) ** 2 + (d.y - y) ** 2;
      if (dd <= bestD) {
        bestD = dd;
        best = d.record;
      }
    }
    return best;
  }

  /** Where the dot of a record is drawn (val split), in CSS pixels relative to the canvas. */
  dotOf(run) {
    return this.dots.find((d) => d.record.run === run && d.split === 'val') ?? null;
  }

  /**
   * Draws `{spec, knob, records, cells, metric, which, labels, reference}` (`cells`: the core's
   * summary; `reference`: a paper's points to draw faintly behind, paper-reference.js).
   */
  draw(state) {
    this.state = state;
    const { spec, knob, records, cells, metric, which, labels } = state;
    const reference = state.reference ?? [];
    const canvas = this.canvas;
    const dpr = pixelRatio();
    const w = Math.max(200, canvas.clientWidth || 600);
    const h = Math.max(160, canvas.clientHeight || 320);
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const fg = cssVar('--fg', '#1c2230');
    const muted = cssVar('--muted', '#5a6374');
    const grid = cssVar('--grid', '#e6e9ef');
    ctx.fillStyle = cssVar('--panel', cssVar('--bg', '#fff'));
    ctx.fillRect(0, 0, w, h);
    this.dots = [];
    this.referencePoints = 0;
    if (!spec) return;
    const groups = groupCells(cells ?? [], records, metric, which);
    const scale = xScale(spec.values, knob);
    const pad = { l: 52, r: 12, t: 36, b: 40 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    // x positions.
    const n = spec.values.length;
    let xOf;
    if (scale === 'category') {
      xOf = (v) => pad.l + ((spec.values.findIndex((u) => same(u, v)) + 0.5) / n) * pw;
    } else {
      const t = (v) => (scale === 'log' ? Math.log(v) : v);
      const lo = Math.min(...spec.values.map(t));
      const hi = Math.max(...spec.values.map(t));
      const span = hi - lo || 1;
      xOf = (v) => pad.l + (n === 1 ? 0.5 : 0.04 + (0.92 * (t(v) - lo)) / span) * pw;
    }
    // y range from every dot.
    const all = [
      ...groups.flatMap((g) => g.cells.flatMap((c) => [...c.train.ys, ...c.val.ys])),
      ...reference.flatMap((l) => l.points.map(([, y]) => y)),
    ].filter((y) => y !== null && Number.isFinite(y));
    // Losses and epoch counts have no upper bound; errors and accuracies are fractions.
    const fraction = metric !== 'loss' && metric !== 'fit';
    let y0 = 0;
    let y1 = all.length ? Math.max(...all) : 1;
    if (fraction) y1 = Math.min(1, Math.max(0.05, y1 * 1.08));
    else y1 = Math.max(1e-3, y1 * 1.08);
    if (metric === 'accuracy') {
      y0 = all.length ? Math.max(0, Math.min(...all) - 0.05) : 0;
      y1 = 1;
    }
    const yOf = (y) => pad.t + ph - ((y - y0) / (y1 - y0 || 1)) * ph;
    // Axes and grid.
    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeStyle = grid;
    ctx.fillStyle = muted;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of niceTicks(y0, y1)) {
      const y = yOf(t);
      ctx.beginPath();
      ctx.moveTo(pad.l, y);
      ctx.lineTo(pad.l + pw, y);
      ctx.stroke();
      ctx.fillText(fraction ? `${Math.round(t * 1000) / 10} %` : label(t), pad.l - 4, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    // Every value gets its grid line; a label is written only where it clears the last one (21
    // widths on a log axis would print over each other).
    let lastRight = -Infinity;
    for (const v of spec.values) {
      const x = xOf(v);
      ctx.beginPath();
      ctx.moveTo(x, pad.t);
      ctx.lineTo(x, pad.t + ph);
      ctx.stroke();
      const text = label(v);
      const half = ctx.measureText(text).width / 2;
      if (x - half >= lastRight + 4) {
        ctx.fillText(text, x, pad.t + ph + 4);
        lastRight = x + half;
      }
    }
    ctx.fillStyle = fg;
    ctx.fillText(`${labels.knob}${scale === 'log' ? ' (log scale)' : ''}`, pad.l + pw / 2, pad.t + ph + 20);
    ctx.save();
    ctx.translate(12, pad.t + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(labels.metric, 0, 0);
    ctx.restore();
    // Series.
    const colors = (i) => (groups.length === 1
      ? { train: cssVar('--train', '#34425f'), val: cssVar('--val', '#c0398f') }
      : { train: SERIES_COLORS[i % SERIES_COLORS.length], val: SERIES_COLORS[i % SERIES_COLORS.length] });
    const alpha = (c, a) => {
      const m = /^#([0-9a-f]{6})$/i.exec(c.trim());
      if (!m) return c;
      const x = parseInt(m[1], 16);
      return `rgba(${x >> 16},${(x >> 8) & 255},${x & 255},${a})`;
    };
    // The paper's figure first, so the student's own runs are drawn over it.
    const seriesColor = (s) => {
      const i = groups.findIndex((g) => same(g.series, s));
      return i < 0 ? muted : colors(i).val;
    };
    drawReference(ctx, reference, xOf, yOf, seriesColor);
    this.referencePoints = reference.reduce((n, l) => n + l.points.length, 0);
    groups.forEach((g, i) => {
      const c = colors(i);
      const cells = g.cells.filter((cell) => cell.train.median !== null && cell.val.median !== null);
      // The generalization gap between the median lines.
      if (cells.length > 1) {
        ctx.fillStyle = alpha(c.val, 0.12);
        ctx.beginPath();
        cells.forEach((cell, j) => (j ? ctx.lineTo : ctx.moveTo).call(ctx, xOf(cell.value), yOf(cell.train.median)));
        [...cells].reverse().forEach((cell) => ctx.lineTo(xOf(cell.value), yOf(cell.val.median)));
        ctx.closePath();
        ctx.fill();
      }
      for (const split of ['train', 'val']) {
        const color = c[split];
        const band = g.cells.filter((cell) => cell[split].min !== null);
        if (band.length > 1) {
          ctx.fillStyle = alpha(color, 0.14);
          ctx.beginPath();
          band.forEach((cell, j) => (j ? ctx.lineTo : ctx.moveTo).call(ctx, xOf(cell.value), yOf(cell[split].max)));
          [...band].reverse().forEach((cell) => ctx.lineTo(xOf(cell.value), yOf(cell[split].min)));
          ctx.closePath();
          ctx.fill();
        }
        ctx.strokeStyle = color;
        ctx.lineWidth = 2;
        ctx.setLineDash(split === 'train' ? [5, 3] : []);
        ctx.beginPath();
        band.forEach((cell, j) => (j ? ctx.lineTo : ctx.moveTo).call(ctx, xOf(cell.value), yOf(cell[split].median)));
        ctx.stroke();
        ctx.setLineDash([]);
        // One dot per seed, spread a little sideways so seeds do not hide each other.
        for (const cell of g.cells) {
          cell.records.forEach((r, k) => {
            const y = cell[split].ys[k];
            if (y === null || !Number.isFinite(y)) return;
            const x = xOf(cell.value) + (k - (cell.records.length - 1) / 2) * 3;
            ctx.beginPath();
            ctx.arc(x, yOf(y), 3.2, 0, 2 * Math.PI);
            if (split === 'val') {
              ctx.fillStyle = color;
              ctx.fill();
            } else {
              ctx.strokeStyle = color;
              ctx.lineWidth = 1.4;
              ctx.stroke();
            }
            this.dots.push({ x, y: yOf(y), record: r, split });
          });
        }
      }
    });
    // Legend, wrapped onto a second line when the chart is narrow.
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const items = metric === 'fit'
      ? [[groups.length === 1 ? 'training split (median; dots: seeds; a seed that never fits has no dot)' : 'dashed: training split', groups.length === 1 ? colors(0).train : null, [5, 3]],
        ...(groups.length === 1 ? [] : groups.map((g, i) => [label(g.series), colors(i).train, [5, 3]]))]
      : groups.length === 1
      ? [['training (median; dots: seeds)', colors(0).train, [5, 3]], ['validation', colors(0).val, []], ['shaded: the gap', null, null]]
      : [[`${labels.series}:`, null, null], ...groups.map((g, i) => [label(g.series), colors(i).val, []]), ['solid: validation, dashed: training', null, null]];
    if (reference.length) items.push([`□ ⋯ the paper: ${reference.map((l) => l.label).join(', ')}`, null, null]);
    let lx = pad.l;
    let ly = 10;
    for (const [text, color, dash] of items) {
      const width = (color ? 22 : 0) + ctx.measureText(text).width + 10;
      if (lx + width > w - 4 && lx > pad.l) {
        lx = pad.l;
        ly += 13;
      }
      if (color) {
        ctx.strokeStyle = color;
        ctx.lineWidth = 2;
        ctx.setLineDash(dash);
        ctx.beginPath();
        ctx.moveTo(lx, ly);
        ctx.lineTo(lx + 18, ly);
        ctx.stroke();
        ctx.setLineDash([]);
        lx += 22;
      }
      ctx.fillStyle = color ? fg : muted;
      ctx.fillText(text, lx, ly);
      lx += width - (color ? 22 : 0);
    }
  }
}
