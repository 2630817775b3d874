// Owns the augmentation preview: one training image (framed in the accent colour) beside
// augmented versions of it under the current settings, as the core's augment_preview returns
// them (the original first).

import { CanvasView, cssVar, pixelRatio } from './canvas.js';
import { blit, paintAtlas } from './pixels.js';

export class AugmentPreview extends CanvasView {
  /** `canvas` is drawn on; `note` (an element) says what is shown. */
  constructor(canvas, note) {
    super(canvas, note);
    this.atlas = document.createElement('canvas');
    this.shape = null;
    this.count = 0;
    this.active = false;
    this.restyle();
  }

  restyle() {
    this.accent = cssVar('--accent', '#0b5fc0');
    this.muted = cssVar('--muted', '#5a6374');
  }

  setShape(shape) {
    this.shape = shape;
    this.count = 0;
  }

  /**
   * New preview: `pixels` holds 1 + n images (HWC floats; augmentation may push them outside
   * 0-1, which is clamped for display); `active` says whether any augmentation is switched on.
   */
  setPreview(pixels, active) {
    if (!this.shape) return;
    const { width, height, channels } = this.shape;
    this.count = Math.floor(pixels.length / (width * height * channels));
    this.active = active;
    paintAtlas(this.atlas, pixels, this.count, width, height, channels);
  }

  draw() {
    const { ctx } = this;
    const { W, H } = this.clear();
    if (!this.shape || this.count === 0) return;
    const dpr = pixelRatio();
    const n = this.count;
    const gap = Math.round(4 * dpr);
    const sep = Math.round(12 * dpr);
    const frame = Math.max(2, Math.round(2 * dpr));
    // One row: the original, a wider gap, then the augmented versions.
    const tile = Math.floor(Math.min((W - sep - gap * Math.max(0, n - 2) - 2 * frame) / n, H - 2 * frame));
    if (tile < 1) return;
    const used = n * tile + sep + gap * Math.max(0, n - 2);
    let x = Math.floor((W - used) / 2);
    const y = Math.floor((H - tile) / 2);
    for (let i = 0; i < n; i++) {
      blit(ctx, this.atlas, i, this.shape.width, this.shape.height, x, y, tile);
      if (i === 0) {
        ctx.strokeStyle = this.accent;
        ctx.lineWidth = frame;
        ctx.strokeRect(x - frame / 2, y - frame / 2, tile + frame, tile + frame);
        x += tile + sep;
      } else {
        x += tile + gap;
      }
    }
    const text = this.active ? `original (framed), ${n - 1} augmented` : 'no augmentation on';
    this.describe(text, `A training image and ${n - 1} augmented versions of it under the current settings.`);
  }
}
