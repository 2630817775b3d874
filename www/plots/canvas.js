// Owns the helpers the plots share: theme colours read from the document's CSS custom
// properties, '#rrggbb' colours parsed to RGB, the device pixel ratio, canvas backing stores
// matched to their CSS size times that ratio, and CanvasView, the base of the canvas views that
// have a caption.

/** Reads a CSS custom property of the document; `fallback` stands in where it is unset. */
export function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Returns the [r, g, b] components (0-255) of a '#rrggbb' colour; other colours give mid-grey. */
export function rgb(color) {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return [128, 128, 128];
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Returns the device pixel ratio: how many backing-store pixels make one CSS pixel. */
export function pixelRatio() {
  return window.devicePixelRatio || 1;
}

/**
 * Sets the backing store of `canvas` to a CSS size times `dpr` (at least 1 x 1); returns whether
 * its size changed.
 */
function matchBackingStore(canvas, cssWidth, cssHeight, dpr) {
  const w = Math.max(1, Math.round(cssWidth * dpr));
  const h = Math.max(1, Math.round(cssHeight * dpr));
  if (canvas.width === w && canvas.height === h) return false;
  canvas.width = w;
  canvas.height = h;
  return true;
}

/**
 * Watches a canvas's CSS size; `onResize()` runs after its backing store has been matched to the
 * CSS size times the device pixel ratio (only when that changed).
 */
export function watchSize(canvas, onResize) {
  const observer = new ResizeObserver(() => {
    if (matchBackingStore(canvas, canvas.clientWidth, canvas.clientHeight, pixelRatio())) onResize();
  });
  observer.observe(canvas);
  return observer;
}

/**
 * Holds the CSS size of every canvas passed to fitCanvas; one ResizeObserver, created on first
 * use, keeps it up to date. Reading clientWidth while drawing would force a layout after each text
 * update of the layer view (dozens per frame), which made frames of the live view long tasks.
 */
const sizes = new WeakMap();
let sizeObserver = null;

/**
 * Matches a canvas's backing store to its CSS size times the device pixel ratio, for canvases
 * drawn on demand rather than on resize; returns the ratio.
 */
export function fitCanvas(canvas) {
  const dpr = pixelRatio();
  let size = sizes.get(canvas);
  if (!size) {
    size = { w: canvas.clientWidth, h: canvas.clientHeight };
    sizes.set(canvas, size);
    sizeObserver ??= new ResizeObserver((entries) => {
      for (const e of entries) sizes.set(e.target, { w: e.contentRect.width, h: e.contentRect.height });
    });
    sizeObserver.observe(canvas);
  }
  matchBackingStore(canvas, size.w, size.h, dpr);
  return dpr;
}

/**
 * The base of the canvas views: it keeps the canvas, its 2D context and the caption element,
 * redraws (`draw()`) whenever the backing store is resized, and passes the pointer's moves over
 * the canvas to `hover(event)` where the view has that method.
 */
export class CanvasView {
  /** `canvas` is drawn on; `note` (an element, if any) is the view's caption. */
  constructor(canvas, note = null) {
    this.canvas = canvas;
    this.note = note;
    this.ctx = canvas.getContext('2d');
    watchSize(canvas, () => this.draw());
    if (this.hover) canvas.addEventListener('mousemove', (e) => this.hover(e));
  }

  /** Re-reads the theme colours; a view that uses none keeps this one. */
  restyle() {}

  /** Clears the whole canvas and returns its backing-store size {W, H}. */
  clear() {
    const W = this.canvas.width;
    const H = this.canvas.height;
    this.ctx.clearRect(0, 0, W, H);
    return { W, H };
  }

  /** Sets the caption's text (only when it changed) and the canvas's accessible description. */
  describe(text, label) {
    if (this.note.textContent !== text) this.note.textContent = text;
    this.canvas.setAttribute('aria-label', label);
  }

  /** Returns the position of a pointer event in backing-store pixels of the canvas, {x, y}. */
  pointer(event) {
    const dpr = pixelRatio();
    const rect = this.canvas.getBoundingClientRect();
    return { x: (event.clientX - rect.left) * dpr, y: (event.clientY - rect.top) * dpr };
  }
}
