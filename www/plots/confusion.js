// Owns the confusion-matrix view of the validation split: rows are true classes, columns the
// predicted ones; each cell shows its count, shaded by the fraction of its row (the diagonal in
// the accent colour, mistakes in red). Counts are written at 11 px or more, or not at all when the
// cells are too small for that; the tooltip names every cell's count and every class in full.

import { formatPercent } from '../app/format.js';
import { CanvasView, cssVar, pixelRatio, rgb } from './canvas.js';
import { fitText } from './pixels.js';

/** Font sizes in CSS pixels: the class names and axis titles, and the counts' largest and smallest. */
const LABEL_PX = 12;
const COUNT_MAX_PX = 14;
const COUNT_MIN_PX = 11;

export class ConfusionMatrix extends CanvasView {
  /** `canvas` is drawn on; `note` (an element) receives the total and the accuracy. */
  constructor(canvas, note) {
    super(canvas, note);
    this.names = [];
    this.matrix = null;
    this.restyle();
  }

  /** Re-reads the theme colours. */
  restyle() {
    this.colors = {
      fg: cssVar('--fg', '#1c2230'),
      muted: cssVar('--muted', '#5a6374'),
      good: rgb(cssVar('--accent', '#0b5fc0')),
      bad: rgb(cssVar('--mistake', '#e0261b')),
      bg: rgb(cssVar('--plot-bg', '#ffffff')),
      grid: cssVar('--grid', '#e6e9ef'),
    };
  }

  /** A new run: the class names (the matrix is classes x classes). */
  setClasses(names) {
    this.names = names;
    this.matrix = null;
  }

  /** New counts: classes x classes, row = true class, column = predicted class. */
  setMatrix(matrix) {
    this.matrix = matrix;
  }

  draw() {
    const { ctx, canvas, colors } = this;
    const { W, H } = this.clear();
    const k = this.names.length;
    const m = this.matrix;
    if (!m || k === 0 || m.length !== k * k) {
      this.layout = null;
      return;
    }
    const dpr = pixelRatio();
    let total = 0;
    let correct = 0;
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) {
        total += m[r * k + c];
        if (r === c) correct += m[r * k + c];
      }
    }
    // Room for class names on the left (true) and for the axis title and class names on top
    // (predicted): as much as the names need, up to three tenths of the box's width, or up to
    // nine twentieths where the box is wider than the square matrix needs anyway.
    const font = Math.round(LABEL_PX * dpr);
    ctx.font = `${font}px system-ui, sans-serif`;
    const side0 = Math.min(W, H);
    const labels = side0 / (k + 2) >= 9 * dpr;
    const widest = Math.max(...this.names.map((n) => ctx.measureText(n).width));
    const top = labels ? Math.round(2.5 * font) : Math.round(2 * dpr);
    const spare = W - (H - top);
    const left = labels ? Math.round(Math.min(widest + 6 * dpr, Math.max(W * 0.3, spare), W * 0.45)) : Math.round(2 * dpr);
    const cell = Math.max(1, Math.floor(Math.min(W - left, H - top) / k));
    const size = cell * k;
    const x0 = Math.floor((W - left - size) / 2) + left;
    const y0 = top;
    this.layout = { x0, y0, cell, k };
    // One font for every count: as large as the cells allow for the longest count, and the counts
    // are left out (the tooltip still gives them) when that is below COUNT_MIN_PX.
    let longest = '0';
    for (let i = 0; i < k * k; i++) {
      const t = String(Math.round(m[i]));
      if (t.length > longest.length) longest = t;
    }
    let countFont = Math.min(Math.round(COUNT_MAX_PX * dpr), Math.floor(cell * 0.62));
    ctx.font = `${countFont}px system-ui, sans-serif`;
    const room = cell - 4 * dpr;
    const width = ctx.measureText(longest).width;
    if (width > room) countFont = Math.floor((countFont * room) / width);
    const counts = countFont >= COUNT_MIN_PX * dpr;
    ctx.font = `${countFont}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let r = 0; r < k; r++) {
      let rowSum = 0;
      for (let c = 0; c < k; c++) rowSum += m[r * k + c];
      for (let c = 0; c < k; c++) {
        const v = m[r * k + c];
        const a = rowSum > 0 ? v / rowSum : 0;
        const hue = r === c ? colors.good : colors.bad;
        // Mistakes are shaded more strongly, so that a few of them still show.
        const alpha = v === 0 ? 0 : r === c ? 0.12 + 0.88 * a : 0.25 + 0.75 * Math.sqrt(a);
        const fill = [0, 1, 2].map((i) => Math.round(colors.bg[i] + (hue[i] - colors.bg[i]) * alpha));
        ctx.fillStyle = `rgb(${fill[0]},${fill[1]},${fill[2]})`;
        ctx.fillRect(x0 + c * cell, y0 + r * cell, cell, cell);
        if (counts && v > 0) {
          const text = String(Math.round(v));
          // Dark text on light cells, white text on dark ones, in either colour scheme.
          ctx.fillStyle = 0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2] > 140 ? '#111418' : '#ffffff';
          ctx.fillText(text, x0 + (c + 0.5) * cell, y0 + (r + 0.5) * cell);
        }
      }
    }
    ctx.strokeStyle = colors.grid;
    ctx.lineWidth = Math.max(1, dpr);
    ctx.strokeRect(x0, y0, size, size);
    if (labels) {
      ctx.font = `${font}px system-ui, sans-serif`;
      ctx.fillStyle = colors.muted;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'right';
      for (let r = 0; r < k; r++) ctx.fillText(fitText(ctx, this.names[r], x0 - 5 * dpr), x0 - 3 * dpr, y0 + (r + 0.5) * cell);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      for (let c = 0; c < k; c++) ctx.fillText(fitText(ctx, this.names[c], cell - 2 * dpr), x0 + (c + 0.5) * cell, y0 - 3 * dpr);
      // The axis names go on the first line: "true ↓" over the row names where it fits.
      ctx.textBaseline = 'top';
      ctx.fillStyle = colors.fg;
      const trueText = 'true ↓';
      const trueWidth = ctx.measureText(trueText).width;
      let predictedX = x0;
      if (x0 - 3 * dpr >= trueWidth) {
        ctx.textAlign = 'right';
        ctx.fillText(trueText, x0 - 3 * dpr, 0);
      } else {
        ctx.textAlign = 'left';
        ctx.fillText(trueText, 0, 0);
        predictedX = Math.max(x0, trueWidth + 8 * dpr);
      }
      ctx.textAlign = 'left';
      ctx.fillText(fitText(ctx, 'predicted →', W - predictedX), predictedX, 0);
    }
    canvas.dataset.total = String(total);
    canvas.dataset.correct = String(correct);
    // The counts' font size in CSS pixels ('' when they are left out) and the class names'.
    canvas.dataset.fontPx = counts ? String(Math.round((10 * countFont) / dpr) / 10) : '';
    canvas.dataset.labelFontPx = labels ? String(Math.round((10 * font) / dpr) / 10) : '';
    const acc = total > 0 ? formatPercent((100 * correct) / total) : '– %';
    const text = `${total} images · ${acc} correct`;
    this.describe(text, `Confusion matrix of ${total} validation images in ${k} classes; ${correct} are on the diagonal (correct).`);
  }

  /**
   * Names the cell under the pointer in the canvas's tooltip, or, over a row's or a column's
   * class name (which may be cut short on the canvas), that class in full.
   */
  hover(event) {
    const l = this.layout;
    if (!l || !this.matrix) return;
    const p = this.pointer(event);
    const c = Math.floor((p.x - l.x0) / l.cell);
    const r = Math.floor((p.y - l.y0) / l.cell);
    const inRow = r >= 0 && r < l.k;
    const inCol = c >= 0 && c < l.k;
    let title = 'Rows: true class; columns: predicted class. Point at a cell for its count, at a class name for the whole name.';
    if (inRow && inCol) title = `${Math.round(this.matrix[r * l.k + c])} validation images of class ${this.names[r]} predicted as ${this.names[c]}`;
    else if (inRow && p.x < l.x0) title = `True class (row ${r + 1}): ${this.names[r]}`;
    else if (inCol && p.y < l.y0) title = `Predicted class (column ${c + 1}): ${this.names[c]}`;
    if (this.canvas.title !== title) this.canvas.title = title;
  }
}
