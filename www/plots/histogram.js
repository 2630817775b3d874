// Owns the drawing of one small histogram on a canvas (bars scaled to the tallest bin, a zero
// line and the range at the bottom) and of a small line chart of per-layer values; the live
// layer view and the init lab share them.

/** Reads a CSS custom property of the document. */
export function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * The CSS size of every canvas drawn here, kept up to date by one ResizeObserver. Reading
 * clientWidth while drawing would force a layout after each text update of the layer view (dozens
 * per frame), which made frames of the live view long tasks.
 */
const sizes = new WeakMap();
const observer = new ResizeObserver((entries) => {
  for (const e of entries) sizes.set(e.target, { w: e.contentRect.width, h: e.contentRect.height });
});

/** Matches a canvas backing store to its CSS size times the device pixel ratio; returns the scale. */
export function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1;
  let size = sizes.get(canvas);
  if (!size) {
    size = { w: canvas.clientWidth, h: canvas.clientHeight };
    sizes.set(canvas, size);
    observer.observe(canvas);
  }
  const w = Math.max(1, Math.round(size.w * dpr));
  const h = Math.max(1, Math.round(size.h * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  return dpr;
}

/** Formats a statistic compactly: 3 significant digits, exponent form for tiny values. */
export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 0.001 || a >= 10000 ? v.toExponential(1) : String(+v.toPrecision(3));
}

/**
 * Draws `bins` counts starting at `counts[offset]` as bars over [lo, hi] on `canvas`, in `color`.
 * A vertical line marks x = 0 when it lies inside the range.
 */
export function drawHistogram(canvas, counts, offset, bins, lo, hi, color) {
  const dpr = fitCanvas(canvas);
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  const label = 11 * dpr;
  const plotH = h - label - 2 * dpr;
  let max = 0;
  for (let i = 0; i < bins; i++) max = Math.max(max, counts[offset + i]);
  ctx.fillStyle = color;
  if (max > 0) {
    const bw = w / bins;
    for (let i = 0; i < bins; i++) {
      const c = counts[offset + i];
      if (c <= 0) continue;
      // Square-root scaling keeps small bins visible next to a tall spike (e.g. dead ReLUs at 0).
      const bh = Math.max(1, Math.sqrt(c / max) * plotH);
      ctx.fillRect(i * bw + 0.5, plotH - bh, Math.max(1, bw - 1), bh);
    }
  }
  const muted = cssVar('--muted', '#666');
  ctx.strokeStyle = muted;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, plotH + 0.5);
  ctx.lineTo(w, plotH + 0.5);
  if (hi > lo && lo < 0 && hi > 0) {
    const x = Math.round(((0 - lo) / (hi - lo)) * w) + 0.5;
    ctx.moveTo(x, 0);
    ctx.lineTo(x, plotH);
  }
  ctx.stroke();
  ctx.fillStyle = muted;
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  ctx.fillText(fmt(lo), 1, h);
  ctx.textAlign = 'right';
  ctx.fillText(fmt(hi), w - 1, h);
}

/**
 * Draws one or more series of per-layer values (x = layer 1..n) on a log or linear y axis.
 * `series` is [{values, color, label}]; non-positive values are clamped on a log axis.
 */
export function drawLayerLines(canvas, series, { log = true, yLabel = '' } = {}) {
  const dpr = fitCanvas(canvas);
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (all.length === 0) return;
  const tf = (v) => (log ? Math.log10(Math.max(v, 1e-12)) : v);
  let lo = Math.min(...all.map(tf));
  let hi = Math.max(...all.map(tf));
  if (log) {
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
  }
  if (hi - lo < 1e-9) hi = lo + 1;
  const left = 44 * dpr;
  const bottom = 18 * dpr;
  const top = 8 * dpr;
  const right = 8 * dpr;
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i) => left + (n <= 1 ? 0.5 : i / (n - 1)) * (w - left - right);
  const y = (v) => top + (1 - (tf(v) - lo) / (hi - lo)) * (h - top - bottom);
  const muted = cssVar('--muted', '#666');
  const gridColor = cssVar('--grid', '#ddd');
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.fillStyle = muted;
  ctx.strokeStyle = gridColor;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const ticks = log ? Array.from({ length: hi - lo + 1 }, (_, k) => lo + k) : [lo, (lo + hi) / 2, hi];
  for (const t of ticks) {
    const v = log ? 10 ** t : t;
    const yy = Math.round(y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, yy);
    ctx.lineTo(w - right, yy);
    ctx.stroke();
    ctx.fillText(log ? `1e${t}` : fmt(v), left - 4 * dpr, yy);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  for (let i = 0; i < n; i++) ctx.fillText(String(i + 1), x(i), h);
  if (yLabel) {
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(yLabel, left + 4 * dpr, 0);
  }
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2 * dpr;
    ctx.beginPath();
    s.values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
    ctx.stroke();
    s.values.forEach((v, i) => ctx.fillRect(x(i) - 2 * dpr, y(v) - 2 * dpr, 4 * dpr, 4 * dpr));
  }
}
