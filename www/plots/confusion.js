// Owns the confusion-matrix view of the validation split: rows are true classes, columns the
// predicted ones; each cell shows its count, shaded by the fraction of its row (the diagonal in
// the accent colour, mistakes in red).

import { formatPercent } from '../format.js';
import { CanvasView, cssVar, pixelRatio, rgb } from './canvas.js';
import { fitText } from './pixels.js';

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
    // (predicted), as much as the names need but at most a fifth of the box.
    const font = Math.round(10 * dpr);
    ctx.font = `${font}px system-ui, sans-serif`;
    const side0 = Math.min(W, H);
    const labels = side0 / (k + 2) >= 9 * dpr;
    const widest = Math.max(...this.names.map((n) => ctx.measureText(n).width));
    const left = labels ? Math.round(Math.min(widest + 6 * dpr, side0 * 0.2)) : Math.round(2 * dpr);
    const top = labels ? Math.round(2.6 * font) : Math.round(2 * dpr);
    const cell = Math.max(1, Math.floor(Math.min(W - left, H - top) / k));
    const size = cell * k;
    const x0 = Math.floor((W - left - size) / 2) + left;
    const y0 = top;
    this.layout = { x0, y0, cell, k };
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
        if (cell >= 13 * dpr && v > 0) {
          const text = String(Math.round(v));
          const f = Math.min(font, Math.floor(cell * 0.42), Math.floor((cell * 1.6) / Math.max(2, text.length)));
          ctx.font = `${f}px system-ui, sans-serif`;
          ctx.textAlign = 'center';
          ctx.textBaseline = 'middle';
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
      for (let r = 0; r < k; r++) ctx.fillText(fitText(ctx, this.names[r], left - 4 * dpr), x0 - 3 * dpr, y0 + (r + 0.5) * cell);
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
    const acc = total > 0 ? formatPercent((100 * correct) / total) : '– %';
    const text = `${total} images · ${acc} correct`;
    this.describe(text, `Confusion matrix of ${total} validation images in ${k} classes; ${correct} are on the diagonal (correct).`);
  }

  /** Names the cell under the pointer in the canvas's tooltip. */
  hover(event) {
    const l = this.layout;
    if (!l || !this.matrix) return;
    const p = this.pointer(event);
    const c = Math.floor((p.x - l.x0) / l.cell);
    const r = Math.floor((p.y - l.y0) / l.cell);
    const title = r >= 0 && c >= 0 && r < l.k && c < l.k
      ? `${Math.round(this.matrix[r * l.k + c])} validation images of class ${this.names[r]} predicted as ${this.names[c]}`
      : 'Rows: true class; columns: predicted class.';
    if (this.canvas.title !== title) this.canvas.title = title;
  }
}
