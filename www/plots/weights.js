// Owns the first-layer weight view: one small tile per unit of the first linear layer (up to
// 32), its incoming weights reshaped to the image (height x width x channels) and stretched to
// the tile's own minimum (black) and maximum (white).

import { CanvasView, pixelRatio } from './canvas.js';
import { blit, fitGrid, paintAtlas } from './pixels.js';

/** The tiles use no theme colours: the view keeps CanvasView's restyle(), which does nothing. */
export class WeightTiles extends CanvasView {
  /** `canvas` is drawn on; `note` (an element) says how many units are shown. */
  constructor(canvas, note) {
    super(canvas, note);
    this.atlas = document.createElement('canvas');
    this.shape = null;
    this.units = 0;
    this.total = 0;
    this.output = false;
  }

  /** A new run: the image shape {width, height, channels}; the tiles wait for weights. */
  setShape(shape) {
    this.shape = shape;
    this.units = 0;
    this.total = 0;
  }

  /**
   * New weights: `tiles` holds `units` unit-major images (units x height*width*channels), the
   * first of `total` units; `output` says the first layer is the output layer (no hidden layer),
   * so the tiles are one template per class.
   */
  setWeights(tiles, units, total, output) {
    if (!this.shape) return;
    const { width, height, channels } = this.shape;
    this.units = units;
    this.total = total;
    this.output = output;
    paintAtlas(this.atlas, tiles, units, width, height, channels, { normalize: true });
  }

  draw() {
    const { ctx, canvas } = this;
    const { W, H } = this.clear();
    if (!this.shape || this.units === 0) {
      canvas.dataset.tiles = '0';
      return;
    }
    const dpr = pixelRatio();
    const gap = Math.round(3 * dpr);
    const { cols, tile, cellW, cellH, x0, y0 } = fitGrid(this.units, W, H, { gap });
    for (let i = 0; i < this.units; i++) {
      const x = x0 + (i % cols) * cellW;
      const y = y0 + Math.floor(i / cols) * cellH;
      blit(ctx, this.atlas, i, this.shape.width, this.shape.height, x, y, tile);
    }
    canvas.dataset.tiles = String(this.units);
    const what = this.output ? 'classes (no hidden layer)' : 'hidden units';
    const text = this.units < this.total ? `first ${this.units} of ${this.total} ${what}` : `all ${this.total} ${what}`;
    this.describe(text, `The incoming weights of ${text} of the first layer, each drawn as an image scaled to its own minimum (black) and maximum (white).`);
  }
}
