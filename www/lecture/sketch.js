// Owns a sketch step's prediction: a small chart the student draws a curve on, K knots across the
// x range. Dragging the pointer sets the knot under it; with the keyboard the sketch takes the
// focus, Left/Right pick a knot and Up/Down move it (Home/End: first and last knot). A live line
// says which knot is chosen and, once the core has named it, the shape drawn. After the run the
// real curve is drawn over the sketch (`showReal`). Which shape a curve has is the core's rule
// (wasm `lecture_shape`), asked through `classify`; nothing here judges a shape.

import { cssVar, fitCanvas } from '../plots/canvas.js';

/** Knots across the x range. */
export const KNOTS = 10;
/** One Up/Down press moves a knot by this much of the chart's height. */
const KEY_STEP = 0.1;

let sketchCount = 0;

export class Sketch {
  /**
   * `opts`: {series (what is drawn, in words), xLabel, shapes ([{id, text}]), classify(values)
   * → Promise<shape id | null>, onChange(shape id | null)}.
   */
  constructor({ series, xLabel, shapes, classify, onChange }) {
    sketchCount += 1;
    this.shapes = shapes;
    this.classify = classify;
    this.onChange = onChange;
    this.values = new Array(KNOTS).fill(0.5);
    this.touched = false;
    this.knot = 0;
    this.real = null;
    this.shape = null;
    this.askId = 0;
    this.xLabel = xLabel;
    this.series = series;

    const id = `lecture-sketch-${sketchCount}`;
    this.root = document.createElement('div');
    this.root.className = 'path-sketch';
    this.root.setAttribute('role', 'group');
    this.root.setAttribute('aria-labelledby', `${id}-name`);
    const name = document.createElement('p');
    name.className = 'path-sketch-name';
    name.id = `${id}-name`;
    name.textContent = 'Your prediction';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'path-sketch-canvas';
    this.canvas.dataset.testid = 'lecture-sketch';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'sketch');
    this.canvas.setAttribute('aria-label', `Your prediction: sketch ${series} against ${xLabel}`);
    this.canvas.setAttribute('aria-describedby', `${id}-help ${id}-live`);
    const help = document.createElement('p');
    help.className = 'hint path-sketch-help';
    help.id = `${id}-help`;
    help.textContent = `Draw with the pointer, or focus the sketch and use Left/Right to pick one of ${KNOTS} points and Up/Down to move it. Left: ${xLabel} small, right: large; up: ${series} high.`;
    this.live = document.createElement('p');
    this.live.className = 'path-sketch-live';
    this.live.id = `${id}-live`;
    this.live.dataset.testid = 'lecture-sketch-shape';
    this.live.setAttribute('aria-live', 'polite');
    this.live.textContent = 'Nothing drawn yet: the line is flat.';
    this.root.append(name, this.canvas, help, this.live);

    this.wire();
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(this.canvas);
  }

  get element() {
    return this.root;
  }

  wire() {
    const c = this.canvas;
    const at = (event) => {
      const r = c.getBoundingClientRect();
      const fx = (event.clientX - r.left) / Math.max(1, r.width);
      const fy = (event.clientY - r.top) / Math.max(1, r.height);
      const pad = this.pad(r.width, r.height);
      const x = (fx * r.width - pad.l) / Math.max(1, r.width - pad.l - pad.r);
      const y = 1 - (fy * r.height - pad.t) / Math.max(1, r.height - pad.t - pad.b);
      return { i: Math.max(0, Math.min(KNOTS - 1, Math.round(x * (KNOTS - 1)))), y: Math.max(0, Math.min(1, y)) };
    };
    let drawing = false;
    let lastI = null;
    c.addEventListener('pointerdown', (event) => {
      if (this.disabled) return;
      drawing = true;
      lastI = null;
      c.setPointerCapture?.(event.pointerId);
      const p = at(event);
      this.set(p.i, p.y, false);
      lastI = p.i;
    });
    c.addEventListener('pointermove', (event) => {
      if (!drawing || this.disabled) return;
      const p = at(event);
      // A fast stroke skips knots: the ones between are set on the straight line.
      if (lastI !== null && Math.abs(p.i - lastI) > 1) {
        const from = this.values[lastI];
        const step = p.i > lastI ? 1 : -1;
        for (let k = lastI + step; k !== p.i; k += step) {
          this.values[k] = from + ((p.y - from) * (k - lastI)) / (p.i - lastI);
        }
      }
      this.set(p.i, p.y, false);
      lastI = p.i;
    });
    const end = () => {
      if (!drawing) return;
      drawing = false;
      this.changed();
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('keydown', (event) => {
      if (this.disabled) return;
      const k = event.key;
      let handled = true;
      if (k === 'ArrowLeft') this.knot = Math.max(0, this.knot - 1);
      else if (k === 'ArrowRight') this.knot = Math.min(KNOTS - 1, this.knot + 1);
      else if (k === 'Home') this.knot = 0;
      else if (k === 'End') this.knot = KNOTS - 1;
      else if (k === 'ArrowUp') this.set(this.knot, Math.min(1, this.values[this.knot] + KEY_STEP), true);
      else if (k === 'ArrowDown') this.set(this.knot, Math.max(0, this.values[this.knot] - KEY_STEP), true);
      else if (k === ' ') handled = true;
      else handled = false;
      if (handled) {
        // The page's own keys (Space: play) never act while the sketch has the focus.
        event.preventDefault();
        event.stopPropagation();
        this.draw();
        this.say();
      }
    });
    c.addEventListener('focus', () => this.draw());
    c.addEventListener('blur', () => this.draw());
  }

  /** Sets knot i to y (0 bottom, 1 top); `commit` asks the core for the shape at once. */
  set(i, y, commit) {
    this.values[i] = Math.round(y * 1000) / 1000;
    this.knot = i;
    this.touched = true;
    this.draw();
    if (commit) this.changed();
  }

  /** The sketch changed: the core names its shape, and the path hears of it. */
  async changed() {
    const id = ++this.askId;
    this.say();
    let shape = null;
    try {
      shape = await this.classify(this.values.slice());
    } catch (e) {
      this.live.textContent = `The core could not name the shape: ${e.message}`;
    }
    if (id !== this.askId) return;
    this.shape = shape;
    this.say();
    this.onChange(shape);
  }

  /** The live line: the chosen knot and the shape the core named. */
  say() {
    const pct = Math.round(this.values[this.knot] * 100);
    const text = this.shapes.find((s) => s.id === this.shape)?.text;
    const shape = !this.touched ? 'nothing drawn yet' : text ? `your curve ${text}` : 'your curve is being read';
    this.live.textContent = `Point ${this.knot + 1} of ${KNOTS} at ${pct} % of the height; ${shape}.`;
    this.live.dataset.shape = this.shape ?? '';
  }

  set disabled(off) {
    this._disabled = off;
    this.canvas.setAttribute('aria-disabled', String(off));
  }

  get disabled() {
    return Boolean(this._disabled);
  }

  /** Draws the real curve (any length; scaled to the chart's height) over the sketch. */
  showReal(values, words) {
    this.real = values;
    this.realWords = words;
    this.draw();
  }

  pad(w, h) {
    return { l: 8, r: 8, t: 8, b: Math.min(22, h * 0.2) };
  }

  draw() {
    const c = this.canvas;
    if (!c.isConnected) return;
    const dpr = fitCanvas(c);
    const ctx = c.getContext('2d');
    const w = c.width / dpr;
    const h = c.height / dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const pad = this.pad(w, h);
    const iw = w - pad.l - pad.r;
    const ih = h - pad.t - pad.b;
    const X = (f) => pad.l + f * iw;
    const Y = (v) => pad.t + (1 - v) * ih;
    const fg = cssVar('--fg', '#1c2230');
    const muted = cssVar('--muted', '#5a6374');
    ctx.strokeStyle = cssVar('--grid', '#e6e9ef');
    ctx.lineWidth = 1;
    ctx.strokeRect(pad.l, pad.t, iw, ih);
    ctx.fillStyle = muted;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'bottom';
    ctx.fillText(`${this.xLabel} →`, pad.l, h - 2);
    if (this.real && this.real.length > 1) {
      const finite = this.real.filter((v) => Number.isFinite(v));
      const lo = Math.min(...finite);
      const hi = Math.max(...finite);
      const span = hi - lo || 1;
      ctx.strokeStyle = cssVar('--val', '#c0398f');
      ctx.lineWidth = 2.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      this.real.forEach((v, i) => {
        if (!Number.isFinite(v)) return;
        const x = X(i / (this.real.length - 1));
        const y = Y(0.05 + (0.9 * (v - lo)) / span);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = fg;
      ctx.textBaseline = 'top';
      ctx.textAlign = 'right';
      ctx.fillText(`dashed: ${this.realWords ?? 'what happened'}; solid: your sketch`, w - pad.r - 4, pad.t + 2);
      ctx.textAlign = 'left';
    }
    ctx.strokeStyle = fg;
    ctx.lineWidth = 2;
    ctx.beginPath();
    this.values.forEach((v, i) => {
      const x = X(i / (KNOTS - 1));
      if (i === 0) ctx.moveTo(x, Y(v));
      else ctx.lineTo(x, Y(v));
    });
    ctx.stroke();
    const focused = document.activeElement === c;
    this.values.forEach((v, i) => {
      const chosen = focused && i === this.knot;
      ctx.beginPath();
      ctx.arc(X(i / (KNOTS - 1)), Y(v), chosen ? 6 : 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = chosen ? cssVar('--accent', '#0b5fc0') : fg;
      ctx.fill();
      if (chosen) {
        ctx.strokeStyle = fg;
        ctx.lineWidth = 2;
        ctx.stroke();
      }
    });
  }
}
