// Owns the decision-region plot: a canvas coloured by the predicted class probabilities, the
// training points as filled dots, the validation points as rings, and an HTML legend. For
// regression data the same canvas shows the predicted value as a heatmap (2D: blue below 0,
// orange above, as in TensorFlow Playground), or the fitted function as a curve over the points
// (1D: x across, the target up). Two switches: show or hide the validation points, and
// discretize (hard class regions, or the sign of a predicted value).

import { CanvasView, cssVar, pixelRatio, rgb } from './canvas.js';

/**
 * Class colours: the Okabe–Ito palette, which stays distinguishable for the common forms of
 * colour blindness. Two-class problems get blue and orange, as in TensorFlow Playground.
 */
export const CLASS_COLORS = ['#0072b2', '#e69f00', '#009e73', '#d55e00', '#cc79a7', '#56b4e9', '#f0e442', '#7f7f7f'];

const CLASS_RGB = CLASS_COLORS.map(rgb);

/** A value's colour for regression: blue for negative, orange for positive, background at 0. */
function valueColor(v, scale) {
  const t = Math.max(-1, Math.min(1, v / scale));
  return t < 0 ? [CLASS_RGB[0], -t] : [CLASS_RGB[1], t];
}

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
    /** 'classes' (decision regions), 'surface' (2D regression) or 'curve' (1D regression). */
    this.mode = 'classes';
    this.showValidation = true;
    this.discretize = false;
    this.restyle();
  }

  /** Sets the two switches (show the validation points; hard regions / sign of the value). */
  setOptions({ showValidation = this.showValidation, discretize = this.discretize } = {}) {
    this.showValidation = showValidation;
    this.discretize = discretize;
    this.cellsStale = true;
    this.draw();
  }

  /** The colour scale of regression values: the largest |target| of the points (at least 1e-6). */
  valueScale() {
    let m = 1e-6;
    const p = this.points;
    if (p) for (let i = 2; i < p.length; i += 4) m = Math.max(m, Math.abs(p[i]));
    return m;
  }

  /** Re-reads the theme colours and redraws. */
  restyle() {
    this.background = rgb(cssVar('--plot-bg', '#ffffff'));
    this.outline = cssVar('--plot-outline', '#ffffff');
    this.regionMin = Number(cssVar('--region-min', '0.12'));
    this.regionMax = Number(cssVar('--region-max', '0.62'));
    this.axis = cssVar('--border', '#dde2ea');
    this.curve = cssVar('--fg', '#1c2230');
    this.cellsStale = true;
    this.draw();
  }

  /**
   * New data set: Float32Array of (x, y, label, split) per point, [xmin, xmax, ymin, ymax], and
   * the mode ('classes', 'surface' or 'curve'; for regression the label is the target value).
   */
  setPoints(points, extent, classes, mode = 'classes') {
    this.points = points;
    this.extent = extent;
    this.classes = classes;
    this.mode = mode;
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
    if (this.mode === 'surface') {
      // The predicted value: blue below 0, orange above, deeper with |value| (relative to the
      // largest |target|); discretized, only the sign.
      const scale = this.valueScale();
      for (let i = 0; i < res * res; i++) {
        const v = this.discretize ? Math.sign(g[i]) * scale : g[i];
        const [col, t] = valueColor(v, scale);
        const a = Number.isFinite(v) ? this.regionMax * t : 0;
        px[4 * i] = br + (col[0] - br) * a;
        px[4 * i + 1] = bg + (col[1] - bg) * a;
        px[4 * i + 2] = bb + (col[2] - bb) * a;
        px[4 * i + 3] = 255;
      }
      cx.putImageData(img, 0, 0);
      this.cellsStale = false;
      return;
    }
    for (let i = 0; i < res * res; i++) {
      // The cell colour is the probability-weighted mix of the class colours, faded toward the
      // background where the network is unsure: confidence 0 at a uniform prediction, 1 at p = 1.
      let r = 0;
      let gr = 0;
      let b = 0;
      let pmax = 0;
      let best = 0;
      for (let c = 0; c < k; c++) {
        const p = g[i * k + c];
        const col = CLASS_RGB[c % CLASS_RGB.length];
        r += p * col[0];
        gr += p * col[1];
        b += p * col[2];
        if (p > pmax) {
          pmax = p;
          best = c;
        }
      }
      if (this.discretize && Number.isFinite(pmax)) {
        // Hard regions: the predicted class's own colour at full strength.
        [r, gr, b] = CLASS_RGB[best % CLASS_RGB.length];
        pmax = 1;
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
    if (this.mode === 'curve') {
      this.drawCurve();
      return;
    }
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
    const scale = this.mode === 'surface' ? this.valueScale() : 1;
    const colorOf = (label) => {
      if (this.mode !== 'surface') return CLASS_COLORS[label % CLASS_COLORS.length];
      const [col, t] = valueColor(label, scale);
      // Points keep a visible colour even near 0: at least a third of the way from grey.
      const a = 0.35 + 0.65 * t;
      return `rgb(${Math.round(128 + (col[0] - 128) * a)},${Math.round(128 + (col[1] - 128) * a)},${Math.round(128 + (col[2] - 128) * a)})`;
    };
    for (const split of this.showValidation ? [1, 0] : [0]) {
      for (let i = 0; i < n; i++) {
        if (pts[4 * i + 3] !== split) continue;
        const x = (pts[4 * i] - xmin) * sx;
        const y = (ymax - pts[4 * i + 1]) * sy;
        const color = colorOf(pts[4 * i + 2]);
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

  /**
   * The 1D fit: light axes at 0, the training points (filled), the validation points (rings),
   * and the network's function as a line through `gridRes` evenly spaced x across the extent
   * (src/views.rs `curve_points`: x_j = xmin + (xmax - xmin) j / (res - 1)).
   */
  drawCurve() {
    const { ctx, canvas } = this;
    const w = canvas.width;
    const h = canvas.height;
    if (!this.points || !this.extent) return;
    const [xmin, xmax, ymin, ymax] = this.extent;
    const X = (x) => ((x - xmin) / (xmax - xmin)) * w;
    const Y = (y) => ((ymax - y) / (ymax - ymin)) * h;
    const dpr = pixelRatio();
    ctx.strokeStyle = this.axis;
    ctx.lineWidth = dpr;
    ctx.beginPath();
    if (ymin < 0 && ymax > 0) {
      ctx.moveTo(0, Y(0));
      ctx.lineTo(w, Y(0));
    }
    if (xmin < 0 && xmax > 0) {
      ctx.moveTo(X(0), 0);
      ctx.lineTo(X(0), h);
    }
    ctx.stroke();
    const pts = this.points;
    const n = pts.length / 4;
    const radius = dpr * (n > 1500 ? 2.6 : n > 100 ? 3.4 : 5);
    for (const split of this.showValidation ? [1, 0] : [0]) {
      for (let i = 0; i < n; i++) {
        if (pts[4 * i + 3] !== split) continue;
        ctx.beginPath();
        ctx.arc(X(pts[4 * i]), Y(pts[4 * i + 1]), radius, 0, 2 * Math.PI);
        if (split === 0) {
          ctx.fillStyle = CLASS_COLORS[0];
          ctx.fill();
        } else {
          ctx.lineWidth = 1.8 * dpr;
          ctx.strokeStyle = CLASS_COLORS[1];
          ctx.stroke();
        }
      }
    }
    const g = this.grid;
    const res = this.gridRes;
    if (!g || res < 2) return;
    ctx.beginPath();
    let pen = false;
    for (let j = 0; j < res; j++) {
      const v = g[j];
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      const x = X(xmin + ((xmax - xmin) * j) / (res - 1));
      const y = Y(Math.max(ymin - (ymax - ymin), Math.min(ymax + (ymax - ymin), v)));
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    }
    ctx.lineWidth = 2.5 * dpr;
    ctx.strokeStyle = this.curve;
    ctx.stroke();
  }

  /** Rebuilds the legend when the number of classes (or the mode) changes. */
  updateLegend() {
    const key = `${this.mode}:${this.classes}`;
    if (this.legendClasses === key) return;
    this.legendClasses = key;
    const items = [];
    const entry = (color, text) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = color;
      li.append(swatch, text);
      items.push(li);
    };
    if (this.mode === 'surface') {
      entry(CLASS_COLORS[0], 'value below 0');
      entry(CLASS_COLORS[1], 'value above 0');
    } else if (this.mode === 'curve') {
      entry(this.curve, 'the network’s function');
    }
    for (let c = 0; this.mode === 'classes' && c < this.classes; c++) {
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
