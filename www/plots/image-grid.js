// Owns the grid of validation images: each image scaled up without smoothing, labelled with the
// class the network predicts; mistakes get a red frame and, on a second line, the true class.

import { CanvasView, cssVar, pixelRatio } from './canvas.js';
import { argmaxRow, blit, fitGrid, fitText, paintAtlas } from './pixels.js';
import { formatShare } from '../app/format.js';

export class ImageGrid extends CanvasView {
  /** `canvas` is drawn on; `note` (an element) receives a one-line summary. */
  constructor(canvas, note) {
    super(canvas, note);
    this.atlas = document.createElement('canvas');
    this.shape = null;
    this.names = [];
    this.labels = null;
    this.count = 0;
    this.pred = null;
    this.conf = null;
    this.layout = null;
    this.restyle();
  }

  /** Re-reads the theme colours. */
  restyle() {
    this.colors = {
      fg: cssVar('--fg', '#1c2230'),
      muted: cssVar('--muted', '#5a6374'),
      error: cssVar('--mistake', '#e0261b'),
      border: cssVar('--border', '#dde2ea'),
      bg: cssVar('--plot-bg', '#ffffff'),
    };
  }

  /**
   * A new run: `shape` {width, height, channels}, the class names, the first images of the
   * validation split (HWC floats 0-1) and their labels.
   */
  setImages(shape, names, pixels, labels) {
    this.shape = shape;
    this.names = names;
    this.labels = labels;
    this.count = labels.length;
    this.pred = null;
    this.conf = null;
    paintAtlas(this.atlas, pixels, this.count, shape.width, shape.height, shape.channels);
  }

  /** New predictions: class probabilities of the shown images, count x classes. */
  setPredictions(probs) {
    const k = this.names.length;
    const n = Math.min(this.count, Math.floor(probs.length / k));
    this.pred = new Uint32Array(n);
    this.conf = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.pred[i] = argmaxRow(probs, i, k);
      this.conf[i] = probs[i * k + this.pred[i]];
    }
  }

  name(c) {
    return this.names[c] ?? String(c);
  }

  draw() {
    const { ctx, canvas, colors } = this;
    const { W, H } = this.clear();
    if (!this.shape || this.count === 0) return;
    const dpr = pixelRatio();
    const font = Math.round(10.5 * dpr);
    const line = Math.round(font * 1.2);
    const layout = fitGrid(this.count, W, H, { gap: Math.round(5 * dpr), extra: 2 * line + Math.round(2 * dpr) });
    this.layout = layout;
    const { cols, tile, cellW, cellH, x0, y0 } = layout;
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    let mistakes = 0;
    const border = Math.max(2, Math.round(2 * dpr));
    for (let i = 0; i < this.count; i++) {
      const x = x0 + (i % cols) * cellW;
      const y = y0 + Math.floor(i / cols) * cellH;
      blit(ctx, this.atlas, i, this.shape.width, this.shape.height, x, y, tile);
      const truth = this.labels[i];
      const cx = x + tile / 2;
      const ty = y + tile + Math.round(2 * dpr);
      const textW = cellW - 2;
      if (this.pred && i < this.pred.length) {
        const wrong = this.pred[i] !== truth;
        if (wrong) {
          mistakes += 1;
          ctx.strokeStyle = colors.error;
          ctx.lineWidth = border;
          ctx.strokeRect(x - border / 2, y - border / 2, tile + border, tile + border);
        }
        ctx.fillStyle = wrong ? colors.error : colors.fg;
        ctx.fillText(fitText(ctx, this.name(this.pred[i]), textW), cx, ty);
        if (wrong) {
          ctx.fillStyle = colors.muted;
          ctx.fillText(fitText(ctx, this.name(truth), textW), cx, ty + line);
        }
      } else {
        ctx.fillStyle = colors.muted;
        ctx.fillText(fitText(ctx, this.name(truth), textW), cx, ty);
      }
    }
    const shown = this.pred ? Math.min(this.pred.length, this.count) : 0;
    canvas.dataset.shown = String(this.count);
    canvas.dataset.mistakes = String(mistakes);
    const text = this.pred
      ? `first ${this.count} · ${mistakes} wrong: red frame, true class below`
      : `first ${this.count} · no predictions yet`;
    this.describe(text, `The first ${this.count} validation images with the predicted class under each; ${shown ? `${mistakes} of ${shown} are wrong and framed in red` : 'no predictions yet'}.`);
  }

  /** Shows the prediction, its probability and the true class of the image under the pointer. */
  hover(event) {
    const l = this.layout;
    if (!l || !this.shape) return;
    const p = this.pointer(event);
    const px = p.x - l.x0;
    const py = p.y - l.y0;
    const col = Math.floor(px / l.cellW);
    const row = Math.floor(py / l.cellH);
    const i = row * l.cols + col;
    let title = '';
    if (px >= 0 && py >= 0 && col < l.cols && i < this.count) {
      const truth = this.name(this.labels[i]);
      title = this.pred && i < this.pred.length
        ? `Validation image ${i + 1}: predicted ${this.name(this.pred[i])} (${formatShare(this.conf[i])}), true ${truth}`
        : `Validation image ${i + 1}: true ${truth}`;
    }
    if (this.canvas.title !== title) this.canvas.title = title;
  }
}
