// Owns the small chart of one sweep run in the Experiments tab's detail panel: its training
// (dashed) and validation (solid) loss per epoch over the run's thinned curve, with the ranges
// written above the lines.

import { cssVar, pixelRatio } from './canvas.js';
import { formatSignificant } from '../app/format.js';

/** Draws `curve` ({epoch, train_loss, val_loss}, columns of equal length) on `canvas`. */
export function drawRunCurve(canvas, curve) {
  // The panel may have just been unhidden, before any resize observer has seen it: read the CSS
  // size now, with a fallback for a canvas that is not laid out.
  const w = canvas.clientWidth || 400;
  const h = canvas.clientHeight || 140;
  const dpr = pixelRatio();
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  if (!curve || curve.epoch.length === 0) return;
  const colors = { train_loss: cssVar('--train', '#34425f'), val_loss: cssVar('--val', '#c0398f') };
  const xs = curve.epoch;
  const ys = [...curve.train_loss, ...curve.val_loss].filter((v) => v != null && Number.isFinite(v));
  if (ys.length === 0) return;
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const y0 = Math.max(0, lo - 0.05 * (hi - lo || 1));
  const y1 = hi + 0.05 * (hi - lo || 1);
  const pad = 28;
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  const X = (e) => pad + ((w - pad - 6) * (e - x0)) / Math.max(1, x1 - x0);
  const Y = (v) => h - 18 - ((h - 26) * (v - y0)) / (y1 - y0 || 1);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = cssVar('--muted', '#5a6374');
  ctx.fillText(`loss ${formatSignificant(y0, 2)}–${formatSignificant(y1, 3)} per epoch, ${x0}–${x1}; solid: validation, dashed: training`, pad, 10);
  for (const key of ['train_loss', 'val_loss']) {
    ctx.strokeStyle = colors[key];
    ctx.lineWidth = 1.6;
    ctx.setLineDash(key === 'train_loss' ? [5, 3] : []);
    ctx.beginPath();
    xs.forEach((e, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, X(e), Y(curve[key][i] ?? 0)));
    ctx.stroke();
  }
  ctx.setLineDash([]);
}
