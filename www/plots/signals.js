// Owns the Data tab's view of signal data (MNIST-1D): one small panel per class, each with a few
// of the class's validation signals drawn as lines over the signal's positions, all panels on
// one vertical scale so that the classes compare.

import { CanvasView, cssVar, pixelRatio } from './canvas.js';
import { CLASS_COLORS } from './boundary.js';

const LABEL_PX = 11;

export class SignalPanels extends CanvasView {
  /** `canvas` is drawn on; `note` (an element) receives a one-line summary. */
  constructor(canvas, note) {
    super(canvas, note);
    this.values = null;
    this.len = 0;
    this.classes = 0;
    this.perClass = 0;
    this.names = [];
    this.restyle();
  }

  /** Re-reads the theme colours and redraws. */
  restyle() {
    this.colors = {
      fg: cssVar('--fg', '#1c2230'),
      muted: cssVar('--muted', '#5a6374'),
      border: cssVar('--border', '#dde2ea'),
      bg: cssVar('--plot-bg', '#ffffff'),
    };
    this.draw();
  }

  /**
   * A new run: `values` holds `perClass` signals of `len` values for each of `classes` classes in
   * turn (the core's `signal_samples`); `names` are the class names.
   */
  setSignals(values, len, classes, names) {
    this.values = values;
    this.len = len;
    this.classes = classes;
    this.perClass = len > 0 && classes > 0 ? Math.floor(values.length / (len * classes)) : 0;
    this.names = names;
  }

  draw() {
    const { W, H } = this.clear();
    const { ctx, colors } = this;
    const k = this.classes;
    if (!this.values || k === 0 || this.perClass === 0) return;
    const dpr = pixelRatio();
    // As many columns as keep the panels closest to twice as wide as tall.
    let cols = 1;
    let best = Infinity;
    for (let c = 1; c <= k; c++) {
      const rows = Math.ceil(k / c);
      const ratio = W / c / (H / rows);
      const miss = Math.abs(Math.log(ratio / 2));
      if (miss < best) [best, cols] = [miss, c];
    }
    const rows = Math.ceil(k / cols);
    const gap = Math.round(6 * dpr);
    const pw = (W - gap * (cols - 1)) / cols;
    const ph = (H - gap * (rows - 1)) / rows;
    const font = Math.round(LABEL_PX * dpr);
    const head = font + 4 * dpr;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of this.values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!(hi > lo)) [lo, hi] = [lo - 1, lo + 1];
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    const n = this.len;
    for (let c = 0; c < k; c++) {
      const x0 = (c % cols) * (pw + gap);
      const y0 = Math.floor(c / cols) * (ph + gap);
      const top = y0 + head;
      const h = Math.max(1, ph - head - 2 * dpr);
      ctx.fillStyle = colors.muted;
      ctx.fillText(`class ${this.names[c] ?? c}`, x0 + 2 * dpr, y0);
      ctx.strokeStyle = colors.border;
      ctx.lineWidth = Math.max(1, dpr);
      ctx.strokeRect(x0 + 0.5, top + 0.5, pw - 1, h);
      // The zero line.
      const zy = top + h * (hi / (hi - lo));
      ctx.beginPath();
      ctx.moveTo(x0, zy);
      ctx.lineTo(x0 + pw, zy);
      ctx.stroke();
      ctx.strokeStyle = CLASS_COLORS[c % CLASS_COLORS.length];
      ctx.globalAlpha = 0.8;
      ctx.lineWidth = 1.25 * dpr;
      for (let s = 0; s < this.perClass; s++) {
        const base = (c * this.perClass + s) * n;
        ctx.beginPath();
        for (let i = 0; i < n; i++) {
          const x = x0 + 2 * dpr + ((pw - 4 * dpr) * i) / (n - 1);
          const y = top + (h * (hi - this.values[base + i])) / (hi - lo);
          if (i === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        }
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
    }
    this.describe(
      `${this.perClass} validation signals of ${n} values per class, on one scale (${lo.toFixed(1)} to ${hi.toFixed(1)})`,
      `${k} panels, one per class, each with ${this.perClass} of its validation signals drawn as lines.`,
    );
  }
}
