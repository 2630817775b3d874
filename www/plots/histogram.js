// Owns the drawing of one small histogram on a canvas (bars scaled to the tallest bin, a zero
// line and the range at the bottom); the live layer view and the init lab share it. (Small
// multiples of a few dozen bars each, the core's `metrics::BINS`, are drawn by hand: a chart
// library per histogram would cost more than the bars.)

import { cssVar, fitCanvas } from './canvas.js';
import { formatSignificant } from '../app/format.js';

/** Formats a statistic compactly: 3 significant digits, exponent form for tiny values. */
export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 0.001 || a >= 10000 ? v.toExponential(1) : formatSignificant(v, 3);
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
      // Square-root scaling keeps small bins visible next to a tall spike (e.g. the exact zeros of ReLUs).
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
