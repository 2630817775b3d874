// Owns the decision-region plot: a canvas coloured by the predicted class probabilities, the
// training points as filled dots, the validation points as rings, and an HTML legend.

import { CanvasView, cssVar, pixelRatio, rgb } from './canvas.js';

/**
 * Class colours: the Okabe–Ito palette, which stays distinguishable for the common forms of
 * colour blindness. Two-class problems get blue and orange, as in TensorFlow Playground.
 */
export const CLASS_COLORS = ['#0072b2', '#e69f00', '#009e73', '#d55e00', '#cc79a7', '#56b4e9', '#f0e442', '#7f7f7f'];

const CLASS_RGB = CLASS_COLORS.map(rgb);

export class Boundary extends CanvasView {
  /** `canvas` is drawn on; `legend` (an element) receives the legend entries. */
  constructor(canvas, legend) {
    super(canvas);
    this.legend = legend;
    this.cells = document.createElement('canvas');
    this.points = null;
    this.extent = null;
    this.classes = 0;
    this.grid = null;
    this.gridRes = 0;
    this.gridClasses = 0;
    this.legendClasses = -1;
    this.restyle();
  }

  /** Re-reads the theme colours and redraws. */
  restyle() {
    this.background = rgb(cssVar('--plot-bg', '#ffffff'));
    this.outline = cssVar('--plot-outline', '#ffffff');
    this.regionMin = Number(cssVar('--region-min', '0.12'));
    this.regionMax = Number(cssVar('--region-max', '0.62'));
    this.cellsStale = true;
    this.draw();
  }

  /** New data set: Float32Array of (x, y, label, split) per point, and [xmin, xmax, ymin, ymax]. */
  setPoints(points, extent, classes) {
    this.points = points;
    this.extent = extent;
    this.classes = classes;
    this.grid = null;
    this.updateLegend();
  }

  /** New predictions: res*res*classes probabilities, row 0 at the top (y = ymax). */
  setGrid(grid, res, classes) {
    this.grid = grid;
    this.gridRes = res;
    this.gridClasses = classes;
    this.cellsStale = true;
  }

  /** Paints the probability grid into the small offscreen canvas, one pixel per cell. */
  paintCells() {
    const res = this.gridRes;
    const k = this.gridClasses;
    const g = this.grid;
    this.cells.width = res;
    this.cells.height = res;
    const cx = this.cells.getContext('2d');
    const img = cx.createImageData(res, res);
    const px = img.data;
    const [br, bg, bb] = this.background;
    for (let i = 0; i < res * res; i++) {
      // The cell colour is the probability-weighted mix of the class colours, faded toward the
      // background where the network is unsure: confidence 0 at a uniform prediction, 1 at p = 1.
      let r = 0;
      let gr = 0;
      let b = 0;
      let pmax = 0;
      for (let c = 0; c < k; c++) {
        const p = g[i * k + c];
        const col = CLASS_RGB[c % CLASS_RGB.length];
        r += p * col[0];
        gr += p * col[1];
        b += p * col[2];
        if (p > pmax) pmax = p;
      }
      const conf = k > 1 ? Math.min(1, Math.max(0, (pmax - 1 / k) / (1 - 1 / k))) : 1;
      const a = Number.isFinite(conf) ? this.regionMin + (this.regionMax - this.regionMin) * conf : 0;
      px[4 * i] = br + (r - br) * a;
      px[4 * i + 1] = bg + (gr - bg) * a;
      px[4 * i + 2] = bb + (b - bb) * a;
      px[4 * i + 3] = 255;
    }
    cx.putImageData(img, 0, 0);
    this.cellsStale = false;
  }

  draw() {
    const { ctx, canvas } = this;
    const w = canvas.width;
    const h = canvas.height;
    const [br, bg, bb] = this.background;
    ctx.fillStyle = `rgb(${br},${bg},${bb})`;
    ctx.fillRect(0, 0, w, h);
    if (this.grid && this.gridRes > 0) {
      if (this.cellsStale) this.paintCells();
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(this.cells, 0, 0, w, h);
    }
    if (!this.points || !this.extent) return;
    const [xmin, xmax, ymin, ymax] = this.extent;
    const sx = w / (xmax - xmin);
    const sy = h / (ymax - ymin);
    const dpr = pixelRatio();
    // Dots shrink a little when there are many points, so that dense sets stay readable.
    const n = this.points.length / 4;
    const radius = dpr * (n > 4000 ? 2 : n > 1500 ? 2.6 : 3.4);
    const pts = this.points;
    // Validation rings first, training dots on top: the network is fitted to the dots.
    for (const split of [1, 0]) {
      for (let i = 0; i < n; i++) {
        if (pts[4 * i + 3] !== split) continue;
        const x = (pts[4 * i] - xmin) * sx;
        const y = (ymax - pts[4 * i + 1]) * sy;
        const color = CLASS_COLORS[pts[4 * i + 2] % CLASS_COLORS.length];
        ctx.beginPath();
        ctx.arc(x, y, radius, 0, 2 * Math.PI);
        if (split === 0) {
          ctx.fillStyle = color;
          ctx.fill();
          ctx.lineWidth = dpr;
          ctx.strokeStyle = this.outline;
          ctx.stroke();
        } else {
          ctx.lineWidth = 3 * dpr;
          ctx.strokeStyle = this.outline;
          ctx.stroke();
          ctx.lineWidth = 1.6 * dpr;
          ctx.strokeStyle = color;
          ctx.stroke();
        }
      }
    }
  }

  /** Rebuilds the legend when the number of classes changes. */
  updateLegend() {
    if (this.legendClasses === this.classes) return;
    this.legendClasses = this.classes;
    const items = [];
    for (let c = 0; c < this.classes; c++) {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = CLASS_COLORS[c % CLASS_COLORS.length];
      li.append(swatch, `class ${c}`);
      items.push(li);
    }
    const train = document.createElement('li');
    const dot = document.createElement('span');
    dot.className = 'mark train';
    train.append(dot, 'training');
    const val = document.createElement('li');
    const ring = document.createElement('span');
    ring.className = 'mark val';
    val.append(ring, 'validation');
    items.push(train, val);
    this.legend.replaceChildren(...items);
  }
}
