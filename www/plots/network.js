// Owns the Network tab's diagram: one column per layer (inputs, hidden layers, outputs), every
// shown unit drawn as a small heatmap of what it computes over the input plane, the weights
// between consecutive columns as edges on one canvas behind the tiles, the colour legend, the
// detail panel of the unit under the pointer or focus, and the pure helpers behind them (the
// layout, the colour scales and their lookup tables, the edge styles, the texts).

import { ACTIVATION_TEXT, FIELD_TEXT } from '../config-fields.js';
import { cssVar, pixelRatio, rgb } from './canvas.js';
import { CLASS_COLORS } from './boundary.js';
import { formatLoss, formatPercent } from '../format.js';

/** The largest and the smallest tile side, in CSS pixels. */
export const TILE_MAX = 56;
export const TILE_MIN = 24;

/** The room left of the inputs and right of the outputs, where their names go (CSS pixels). */
export const SIDE = 46;

/** The height of the column headers and of the row under the tallest column (CSS pixels). */
export const HEADER = 36;
export const FOOTER = 28;

/** The note shown until the first data arrives. */
const WAITING = 'The network diagram appears with the first snapshot of the network.';

/** The side of the large map in the detail panel (CSS pixels). */
const DETAIL_SIZE = 160;

/** How many incoming weights the detail panel lists. */
export const TOP_INCOMING = 8;

/** Edges weaker than this share of the largest |w| between two columns are not drawn. */
export const EDGE_MIN = 0.05;

/** Edges are drawn in this many strength classes per sign, one path each. */
export const EDGE_BUCKETS = 8;

/**
 * The colour lookup tables have GRADIENT + 1 entries of gradient (index GRADIENT / 2 is 0 on a
 * diverging scale), then the saturated low and high ends and the colour of a missing value.
 */
export const GRADIENT = 256;
export const SAT_LO = GRADIENT + 1;
export const SAT_HI = GRADIENT + 2;
export const NO_VALUE = GRADIENT + 3;
export const LUT_SIZE = GRADIENT + 4;

/** The words the settings use for the input features and activations (config-fields.js). */
const FEATURE_LABELS = Object.fromEntries(
  Object.entries(FIELD_TEXT.find((f) => f.key === 'features')?.options ?? {}).map(([k, [text]]) => [k, text]),
);
const ACTIVATION_LABELS = Object.fromEntries(Object.entries(ACTIVATION_TEXT).map(([k, [text]]) => [k, text]));

/** Returns how the page writes input feature `name` ('x1_squared' gives 'x₁²'). */
export function featureLabel(name) {
  return FEATURE_LABELS[name] ?? String(name);
}

/** Returns how the page writes activation `name` ('leaky_relu' gives 'leaky ReLU'). */
export function activationLabel(name) {
  return name ? (ACTIVATION_LABELS[name] ?? String(name)) : '';
}

/** The gap between two columns, where the edges run, for tiles of side `tile`. */
export function columnGap(tile) {
  return Math.max(28, Math.round(tile * 1.1));
}

/** The vertical gap between two tiles of one column, for tiles of side `tile`. */
export function rowGap(tile) {
  return Math.max(4, Math.round(tile * 0.15));
}

/**
 * Returns the tile side (whole CSS pixels, TILE_MIN to TILE_MAX) at which `columns` columns with
 * their gaps and the name margins fit `width`; the smallest side when nothing fits (the diagram
 * then scrolls).
 */
export function tileSize(width, columns) {
  const n = Math.max(1, columns);
  for (let t = TILE_MAX; t > TILE_MIN; t--) {
    if (2 * SIDE + n * t + (n - 1) * columnGap(t) <= width) return t;
  }
  return TILE_MIN;
}

/**
 * Lays the diagram out in CSS pixels for columns of `shown` tiles each in `width`: the tile
 * side, the column and row gaps (the column gap widens to use spare width, up to 2.5 tiles), the
 * stage's size, the header width, and per column its left edge and the top of its first tile
 * (columns are centred on the tallest one).
 */
export function layoutNetwork(shown, width) {
  const n = Math.max(1, shown.length);
  const tile = tileSize(width, n);
  const vgap = rowGap(tile);
  let gap = 0;
  if (n > 1) {
    const spare = Math.floor((width - 2 * SIDE - n * tile) / (n - 1));
    gap = Math.min(Math.round(2.5 * tile), Math.max(columnGap(tile), spare));
  }
  const rows = Math.max(1, ...shown);
  const pitch = tile + vgap;
  const columns = shown.map((k, l) => ({
    x: SIDE + l * (tile + gap),
    y: HEADER + Math.round(((rows - k) * pitch) / 2),
  }));
  return {
    tile,
    gap,
    vgap,
    pitch,
    columns,
    width: 2 * SIDE + n * tile + (n - 1) * gap,
    height: HEADER + rows * pitch - vgap + FOOTER,
    headerWidth: Math.min(tile + gap - 6, 2 * SIDE + tile - 4),
  };
}

/**
 * Returns the colour scale of a layer's maps: probabilities (outputs) from 0 to 1; tanh
 * diverging from -1 to +1 and sigmoid diverging around 0.5, both with their saturated ends; a
 * sequential scale from 0 to the largest value for non-negative ranges (ReLU); otherwise a
 * diverging scale symmetric around 0 out to the largest |value|.
 * {kind: 'diverging', mid, half, sat} or {kind: 'sequential', lo, hi, prob}; `sat` > 0 marks
 * values farther than `sat` from `mid` as saturated.
 */
export function scaleFor(layer) {
  if (layer.kind === 'output') return { kind: 'sequential', lo: 0, hi: 1, prob: true };
  if (layer.activation === 'tanh') return { kind: 'diverging', mid: 0, half: 1, sat: 0.99 };
  if (layer.activation === 'sigmoid') return { kind: 'diverging', mid: 0.5, half: 0.5, sat: 0.49 };
  const lo = Number.isFinite(layer.lo) ? layer.lo : 0;
  const hi = Number.isFinite(layer.hi) ? layer.hi : 0;
  if (lo >= 0) return { kind: 'sequential', lo: 0, hi: hi > 0 ? hi : 1, prob: false };
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  return { kind: 'diverging', mid: 0, half: m > 0 ? m : 1, sat: 0 };
}

/** Returns the lookup-table index of value `v` on `scale` (see GRADIENT and the constants after it). */
export function colorIndex(v, scale) {
  if (!Number.isFinite(v)) return NO_VALUE;
  if (scale.kind === 'diverging') {
    const d = v - scale.mid;
    if (scale.sat > 0 && Math.abs(d) > scale.sat) return d < 0 ? SAT_LO : SAT_HI;
    const x = GRADIENT / 2 + d * (GRADIENT / 2 / scale.half);
    return x <= 0 ? 0 : x >= GRADIENT ? GRADIENT : Math.round(x);
  }
  const x = (v - scale.lo) * (GRADIENT / (scale.hi - scale.lo));
  return x <= 0 ? 0 : x >= GRADIENT ? GRADIENT : Math.round(x);
}

/**
 * Writes the lookup-table entries of `cells` values of `values` from `start` into `pixels` (one
 * entry per value, as colorIndex maps it; values past the end of `values` are missing). This is
 * the hot loop of a draw, so it works out colorIndex's arithmetic once per map.
 */
export function paintValues(values, start, cells, scale, lut, pixels) {
  const have = Math.max(0, Math.min(cells, values.length - start));
  const div = scale.kind === 'diverging';
  const origin = div ? scale.mid : scale.lo;
  const gain = div ? GRADIENT / 2 / scale.half : GRADIENT / (scale.hi - scale.lo);
  const base = div ? GRADIENT / 2 : 0;
  const sat = div && scale.sat > 0 ? scale.sat : Infinity;
  for (let k = 0; k < have; k++) {
    const d = values[start + k] - origin;
    let i;
    // d - d is NaN for a NaN or an infinite value.
    if (d - d !== 0) i = NO_VALUE;
    else if (d > sat) i = SAT_HI;
    else if (d < -sat) i = SAT_LO;
    else {
      const x = base + d * gain;
      i = x <= 0 ? 0 : x >= GRADIENT ? GRADIENT : (x + 0.5) | 0;
    }
    pixels[k] = lut[i];
  }
  for (let k = have; k < cells; k++) pixels[k] = lut[NO_VALUE];
}

/**
 * Returns the scale of one input feature from its own values: the input layer's range mixes
 * features as different as x₁ and x₁², so each feature gets the scale scaleFor gives its range.
 */
export function featureScale(layer, values, start, cells) {
  let lo = Infinity;
  let hi = -Infinity;
  const end = Math.min(values.length, start + cells);
  for (let k = start; k < end; k++) {
    const v = values[k];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return scaleFor({ ...layer, lo: Number.isFinite(lo) ? lo : 0, hi: Number.isFinite(hi) ? hi : 0 });
}

/** Returns the [r, g, b] that lies `t` (0-1) of the way from `a` to `b`. */
function mix(a, b, t) {
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t));
}

/**
 * Builds the lookup table (LUT_SIZE RGBA entries) of a scale kind from theme colours ([r, g, b]
 * each): a diverging table runs from `neg` through `zero` (the middle entry) to `pos`, a
 * sequential one from `zero` to `pos`; then the saturated ends `negSat` and `posSat`, and `none`
 * for a missing value.
 */
export function buildLut(kind, { neg, zero, pos, negSat, posSat, none }) {
  const lut = new Uint8ClampedArray(4 * LUT_SIZE);
  const put = (i, c) => {
    lut[4 * i] = c[0];
    lut[4 * i + 1] = c[1];
    lut[4 * i + 2] = c[2];
    lut[4 * i + 3] = 255;
  };
  for (let i = 0; i <= GRADIENT; i++) {
    if (kind === 'diverging') {
      const t = (2 * i) / GRADIENT - 1;
      put(i, t < 0 ? mix(zero, neg, -t) : mix(zero, pos, t));
    } else {
      put(i, mix(zero, pos, i / GRADIENT));
    }
  }
  put(SAT_LO, negSat);
  put(SAT_HI, posSat);
  put(NO_VALUE, none);
  return lut;
}

/** Returns the bucket (0 to EDGE_BUCKETS - 1) of an edge of weight `w`, or -1 when it is not drawn. */
export function edgeBucket(w, max) {
  if (!(max > 0) || !Number.isFinite(w)) return -1;
  const a = Math.abs(w) / max;
  if (a < EDGE_MIN) return -1;
  return Math.min(EDGE_BUCKETS - 1, Math.floor(a * EDGE_BUCKETS));
}

/** Returns the line width (CSS pixels) and opacity of the edges of `bucket`. */
export function edgeStyle(bucket) {
  const a = (bucket + 1) / EDGE_BUCKETS;
  return { width: 0.4 + 2.6 * a, alpha: 0.15 + 0.65 * a };
}

/** Returns the largest finite |w| of `weights` from `start` for `count` values (0 when none). */
export function maxAbs(weights, start, count) {
  let m = 0;
  for (let k = start; k < start + count; k++) {
    const a = Math.abs(weights[k]);
    if (a > m && Number.isFinite(a)) m = a;
  }
  return m;
}

/**
 * Returns, per layer, the index of its first shown unit among all shown units (a unit's map
 * starts at that index times res * res, its statistics at 4 times it), and per pair of
 * consecutive layers the offset of its weights; `unitStart` and `weightStart` have one more
 * entry, the totals.
 */
export function offsets(layers) {
  const unitStart = [0];
  const weightStart = [0];
  layers.forEach((layer, l) => {
    unitStart.push(unitStart[l] + layer.shown);
    if (l + 1 < layers.length) weightStart.push(weightStart[l] + layer.shown * layers[l + 1].shown);
  });
  return { unitStart, weightStart };
}

/**
 * Returns the `k` strongest finite incoming weights {from, w} of unit `j` of a column of
 * `shownOut` units from the `shownIn` units before it (weights from `start`, [i * shownOut + j]),
 * strongest |w| first.
 */
export function topIncoming(weights, start, shownIn, shownOut, j, k = TOP_INCOMING) {
  const all = [];
  for (let i = 0; i < shownIn; i++) {
    const w = weights[start + i * shownOut + j];
    if (Number.isFinite(w)) all.push({ from: i, w });
  }
  all.sort((a, b) => Math.abs(b.w) - Math.abs(a.w) || a.from - b.from);
  return all.slice(0, k);
}

/** Writes a number with two significant digits and a true minus sign ('−0.12', '3.4', '120'). */
export function shortNumber(v) {
  if (!Number.isFinite(v)) return '–';
  const s = String(Number(v.toPrecision(2)));
  return s.replace('-', '−');
}

/** Writes a weight with its sign and three decimals ('+0.512', '−0.210'). */
export function signedWeight(w) {
  if (!Number.isFinite(w)) return String(w);
  return `${w < 0 ? '−' : '+'}${Math.abs(w).toFixed(3)}`;
}

/**
 * Returns the name of unit `u` of layer `layer` (index `l`): an input feature's name, 'Layer 2,
 * unit 5' (units counted from 1, as the layers are), or the output's class.
 */
export function unitName(layer, l, u) {
  if (layer.kind === 'input') return `Input ${featureLabel(layer.names?.[u] ?? `x${u + 1}`)}`;
  if (layer.kind === 'output') return layer.units === 1 ? 'Output p(class 1)' : `Output class ${u}`;
  return `${layer.label || `Layer ${l}`}, unit ${u + 1}`;
}

/** Returns the short name of unit `u` of `layer` in the detail panel's list of incoming weights. */
export function sourceName(layer, u) {
  if (layer.kind === 'input') return featureLabel(layer.names?.[u] ?? `x${u + 1}`);
  return `unit ${u + 1}`;
}

/** Writes a share (0-1) as a whole percentage ('3 %'); a value that is not finite gives '–'. */
function wholePercent(v) {
  return Number.isFinite(v) ? `${Math.round(100 * v)} %` : '–';
}

/** Writes a number with two decimals; a value that is not finite gives '–'. */
function twoDecimals(v) {
  return Number.isFinite(v) ? v.toFixed(2) : '–';
}

/**
 * Returns the accessible description of a unit from its name and statistics {mean, std,
 * saturated, dead}: 'Layer 2, unit 5: mean 0.12, std 0.40, 3 % saturated, 0 % dead'.
 */
export function describeUnit(name, s) {
  return `${name}: mean ${twoDecimals(s.mean)}, std ${twoDecimals(s.std)}, ${wholePercent(s.saturated)} saturated, ${wholePercent(s.dead)} dead`;
}

/** Returns the [left, middle, right] labels of a scale's legend bar. */
export function scaleLabels(scale) {
  if (scale.kind === 'diverging') {
    const right = shortNumber(scale.mid + scale.half);
    return [shortNumber(scale.mid - scale.half), shortNumber(scale.mid), scale.mid === 0 ? `+${right}` : right];
  }
  return [shortNumber(scale.lo), shortNumber((scale.lo + scale.hi) / 2), shortNumber(scale.hi)];
}

/** Returns what the saturated ends of a layer's scale mean, or '' when it has none. */
function saturationText(layer) {
  if (layer.activation === 'tanh') return 'Outer ends: saturated (|tanh| > 0.99).';
  if (layer.activation === 'sigmoid') return 'Outer ends: saturated (sigmoid below 0.01 or above 0.99).';
  return '';
}

/** Returns the class colour index of output unit `u` of `layer` (a logistic output is class 1). */
function outputClass(layer, u) {
  return layer.units === 1 ? 1 : u;
}

/** Returns whether `net` has the parts the diagram needs. */
function usable(net) {
  return Boolean(net) && Array.isArray(net.layers) && net.layers.length > 0 && net.res > 0 && Boolean(net.maps);
}

/** Creates an element with a class name and, where given, its text. */
function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Sets an element's text only when it changed. */
function setText(e, text) {
  if (e.textContent !== text) e.textContent = text;
}

/** Sets an attribute only when it changed. */
function setAttr(e, name, value) {
  if (e.getAttribute(name) !== value) e.setAttribute(name, value);
}

export class NetworkView {
  /**
   * `root` is the empty element the view fills; `onRequestDraw()` asks the page for a frame when
   * the view needs to draw without new data (a resize, new colours).
   */
  constructor(root, { onRequestDraw } = {}) {
    this.root = root;
    this.onRequestDraw = onRequestDraw ?? (() => {});
    /** The newest data; `available` is false once the worker said there is none (not 2D). */
    this.net = null;
    this.available = true;
    this.dirty = true;
    /** The unit in the detail panel {layer, unit}, or null. */
    this.selected = null;
    /** The scroller's CSS width, kept by a ResizeObserver (reading it while drawing forces layout). */
    this.width = 0;
    this.shapeKey = '';
    this.layoutKey = '';
    this.layout = null;
    this.columns = [];
    this.scales = [];
    this.inputScales = [];
    this.luts = new Map();
    this.image = null;
    this.imagePixels = null;
    this.selectedTile = null;
    this.legendKey = '';
    /** The data the tiles show now (null while the empty note shows). */
    this.drawn = null;
    this.build();
    this.readColors();
    this.showEmpty(WAITING);
    this.observer = new ResizeObserver((entries) => this.resized(entries.at(-1).contentRect.width));
    this.observer.observe(this.scroll);
  }

  /** Builds the parts that do not depend on the data: legend, empty note, stage, detail, caption. */
  build() {
    const wrap = el('div', 'net');
    this.legend = el('div', 'net-legend');
    this.legendTitle = el('span', 'net-legend-title');
    const barBox = el('span', 'net-legend-scale');
    this.legendBar = el('canvas', 'net-legend-bar');
    this.legendBar.width = 128;
    this.legendBar.height = 1;
    this.legendBar.setAttribute('aria-hidden', 'true');
    const labels = el('span', 'net-legend-labels');
    this.legendLabels = [el('span'), el('span'), el('span')];
    labels.append(...this.legendLabels);
    barBox.append(this.legendBar, labels);
    this.legendSat = el('span', 'net-legend-sat');
    this.legend.append(this.legendTitle, barBox, this.legendSat);

    this.empty = el('p', 'net-empty');
    this.empty.dataset.testid = 'network-empty';

    this.body = el('div', 'net-body');
    this.scroll = el('div', 'net-scroll');
    this.stage = el('div', 'net-stage');
    this.edges = el('canvas', 'net-edges');
    this.edges.setAttribute('aria-hidden', 'true');
    this.stage.append(this.edges);
    this.scroll.append(this.stage);

    this.detail = el('aside', 'net-detail');
    this.detail.dataset.testid = 'unit-detail';
    this.detail.setAttribute('aria-label', 'The selected unit');
    this.detailTitle = el('h3', 'net-detail-title');
    this.detailSub = el('p', 'net-detail-sub');
    this.detailMap = el('canvas', 'net-detail-map');
    this.detailMap.style.width = `${DETAIL_SIZE}px`;
    this.detailMap.style.height = `${DETAIL_SIZE}px`;
    this.detailMap.setAttribute('role', 'img');
    this.detailMap.hidden = true;
    this.detailStats = el('dl', 'net-detail-stats');
    this.detailStats.hidden = true;
    this.statValues = {};
    for (const [key, label] of [['mean', 'mean'], ['std', 'std'], ['saturated', 'saturated'], ['dead', 'dead']]) {
      const dd = el('dd');
      dd.dataset.stat = key;
      this.detailStats.append(el('dt', '', label), dd);
      this.statValues[key] = dd;
    }
    this.inTitle = el('p', 'net-detail-in-title');
    this.inList = el('ol', 'net-detail-in');
    this.inRows = [];
    for (let k = 0; k < TOP_INCOMING; k++) {
      const li = el('li');
      const name = el('span', 'net-w-name');
      const bar = el('span', 'net-w-bar');
      const fill = el('span', 'net-w-fill');
      bar.append(fill);
      const value = el('span', 'net-w-value');
      li.append(name, bar, value);
      li.hidden = true;
      this.inList.append(li);
      this.inRows.push({ li, name, fill, value });
    }
    this.inNote = el('p', 'net-detail-in-note');
    this.resetDetail();
    this.detail.append(this.detailTitle, this.detailSub, this.detailMap, this.detailStats, this.inTitle, this.inList, this.inNote);
    this.body.append(this.scroll, this.detail);

    this.note = el(
      'p',
      'net-note',
      'Each tile is what one unit computes over the input plane (x₁ from left to right, x₂ from bottom to top); '
        + 'edges are weights (orange positive, blue negative, thicker is larger; those below 5 % of the largest between two layers are left out).',
    );
    wrap.append(this.legend, this.empty, this.body, this.note);
    this.root.append(wrap);

    const pick = (event) => {
      const tile = event.target.closest?.('[data-unit]');
      if (tile && this.stage.contains(tile)) this.select(tile.dataset.unit);
    };
    this.stage.addEventListener('pointerover', pick);
    this.stage.addEventListener('focusin', pick);
    this.stage.addEventListener('click', pick);
    this.stage.addEventListener('keydown', (event) => this.keydown(event));
  }

  /** New data from the worker; null means the diagram is not available (the data is not 2D). */
  setData(net) {
    this.net = net ?? null;
    this.available = net !== null;
    this.dirty = true;
  }

  /** A new run: forgets the data and the selection. */
  clear() {
    this.net = null;
    this.available = true;
    this.selected = null;
    this.dirty = true;
  }

  /** Re-reads the theme colours and redraws (now when the view shows, else at its next frame). */
  restyle() {
    this.readColors();
    this.dirty = true;
    if (this.width > 0 && !this.root.hidden) this.draw();
    this.onRequestDraw();
  }

  /** Reads the theme colours and drops the lookup tables built from the old ones. */
  readColors() {
    this.colors = {
      neg: rgb(cssVar('--net-neg', '#0072b2')),
      pos: rgb(cssVar('--net-pos', '#e69f00')),
      zero: rgb(cssVar('--net-zero', '#ffffff')),
      negSat: rgb(cssVar('--net-neg-sat', '#00375c')),
      posSat: rgb(cssVar('--net-pos-sat', '#8a5700')),
      none: rgb(cssVar('--net-none', '#9a9a9a')),
    };
    this.luts.clear();
    this.legendKey = '';
  }

  /**
   * The lookup table of unit `u` of layer `l`, as 32-bit words: copying words keeps their bytes
   * in order, so they can be written straight into an ImageData whatever the byte order.
   */
  lutFor(l, u) {
    const layer = this.net.layers[l];
    const scale = this.scaleOf(l, u);
    const cls = scale.prob ? outputClass(layer, u) : -1;
    const key = `${scale.kind}:${cls}`;
    let lut = this.luts.get(key);
    if (!lut) {
      const colors = cls >= 0 ? { ...this.colors, pos: rgb(CLASS_COLORS[cls % CLASS_COLORS.length]) } : this.colors;
      lut = new Uint32Array(buildLut(scale.kind, colors).buffer);
      this.luts.set(key, lut);
    }
    return lut;
  }

  /** The colour scale of unit `u` of layer `l`: its feature's own for an input, else its layer's. */
  scaleOf(l, u) {
    return this.net.layers[l].kind === 'input' ? (this.inputScales[u] ?? this.scales[l]) : this.scales[l];
  }

  /** The scroller's width changed: lays the diagram out again when the tiles or gaps change. */
  resized(width) {
    if (width <= 0 || Math.abs(width - this.width) < 0.5) return;
    this.width = width;
    if (!this.layout || !usable(this.net)) return;
    const next = layoutNetwork(this.net.layers.map((x) => x.shown), width);
    if (next.tile === this.layout.tile && next.gap === this.layout.gap) return;
    this.dirty = true;
    this.draw();
    this.onRequestDraw();
  }

  /** Draws the newest data when it changed since the last draw. */
  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const net = this.net;
    this.drawn = null;
    if (!usable(net)) {
      this.showEmpty(this.available ? WAITING : 'Not available: the network view needs 2D data.');
      return;
    }
    this.empty.hidden = true;
    this.body.hidden = false;
    this.legend.hidden = false;
    this.note.hidden = false;
    if (this.width <= 0) this.width = this.scroll.clientWidth || 600;
    this.drawn = net;
    this.scales = net.layers.map(scaleFor);
    this.offsets = offsets(net.layers);
    const cells = net.res * net.res;
    this.inputScales = net.layers[0].kind === 'input'
      ? Array.from({ length: net.layers[0].shown }, (_, u) => featureScale(net.layers[0], net.maps, u * cells, cells))
      : [];
    this.shape(net);
    this.place(net);
    this.paintTiles(net);
    this.drawEdges(net);
    this.showDetail();
  }

  /** Shows `text` in place of the diagram. */
  showEmpty(text) {
    setText(this.empty, text);
    this.empty.hidden = false;
    this.body.hidden = true;
    this.legend.hidden = true;
    this.note.hidden = true;
  }

  /** Builds the columns' elements when the layers' shape changed. */
  shape(net) {
    const key = `${net.res}|${net.layers.map((x) => `${x.kind}:${x.label}:${x.units}:${x.shown}:${x.activation}:${x.names?.join(',')}`).join('|')}`;
    if (key === this.shapeKey) return;
    this.shapeKey = key;
    this.layoutKey = '';
    const res = net.res;
    this.image = new ImageData(res, res);
    this.imagePixels = new Uint32Array(this.image.data.buffer);
    this.detailMap.width = res;
    this.detailMap.height = res;
    const L = net.layers.length;
    const parts = [this.edges];
    this.columns = net.layers.map((layer, l) => {
      const head = el('div', 'net-col-head');
      head.append(el('strong', '', layer.label || `Layer ${l}`));
      const sub = layer.kind === 'input' ? 'features'
        : layer.kind === 'output' ? (layer.units === 1 ? 'p(class 1)' : 'p(class)')
          : activationLabel(layer.activation);
      head.append(el('span', '', sub));
      head.title = `${layer.label}: ${layer.units} unit${layer.units === 1 ? '' : 's'}${layer.shown < layer.units ? `, the first ${layer.shown} shown` : ''}.`;
      parts.push(head);
      const tiles = [];
      const names = [];
      for (let u = 0; u < layer.shown; u++) {
        const tile = el('canvas', 'net-tile');
        tile.width = res;
        tile.height = res;
        tile.dataset.unit = `${l}:${u}`;
        tile.tabIndex = 0;
        tile.setAttribute('role', 'img');
        tiles.push({ canvas: tile, ctx: tile.getContext('2d'), label: '' });
        parts.push(tile);
        if (layer.kind === 'input' || (layer.kind === 'output' && l === L - 1)) {
          const name = el('span', `net-unit-name ${layer.kind === 'input' ? 'is-left' : 'is-right'}`,
            layer.kind === 'input' ? sourceName(layer, u) : (layer.units === 1 ? 'class 1' : `class ${u}`));
          name.setAttribute('aria-hidden', 'true');
          names.push(name);
          parts.push(name);
        }
      }
      let more = null;
      if (layer.units > layer.shown) {
        more = el('span', 'net-more', `+${layer.units - layer.shown} more`);
        more.dataset.more = String(l);
        more.title = `${layer.label} has ${layer.units} units; the first ${layer.shown} are drawn.`;
        parts.push(more);
      }
      return { head, tiles, names, more };
    });
    this.stage.replaceChildren(...parts);
    const s = this.selected;
    if (s && !(s.layer < L && s.unit < net.layers[s.layer].shown)) this.selected = null;
  }

  /** Places the tiles, names and labels, and sizes the stage and the edge canvas. */
  place(net) {
    const layout = layoutNetwork(net.layers.map((x) => x.shown), this.width);
    const key = `${layout.tile}|${layout.gap}|${layout.width}`;
    this.layout = layout;
    const dpr = pixelRatio();
    const W = Math.round(layout.width * dpr);
    const H = Math.round(layout.height * dpr);
    if (this.edges.width !== W || this.edges.height !== H) {
      this.edges.width = W;
      this.edges.height = H;
    }
    if (key === this.layoutKey) return;
    this.layoutKey = key;
    const { tile, pitch, vgap, headerWidth } = layout;
    const px = (v) => `${v}px`;
    const put = (e, x, y, w, h) => {
      e.style.left = px(x);
      e.style.top = px(y);
      e.style.width = px(w);
      if (h !== undefined) e.style.height = px(h);
    };
    this.stage.style.width = px(layout.width);
    this.stage.style.height = px(layout.height);
    this.edges.style.width = px(layout.width);
    this.edges.style.height = px(layout.height);
    this.columns.forEach((col, l) => {
      const { x, y } = layout.columns[l];
      const hx = x + tile / 2 - headerWidth / 2;
      put(col.head, hx, 0, headerWidth, HEADER);
      col.tiles.forEach((t, u) => put(t.canvas, x, y + u * pitch, tile, tile));
      col.names.forEach((name, u) => {
        put(name, name.classList.contains('is-left') ? x - SIDE : x + tile + 4, y + u * pitch, SIDE - 4, tile);
        name.style.lineHeight = px(tile);
      });
      if (col.more) put(col.more, hx, y + col.tiles.length * pitch - vgap + 2, headerWidth);
    });
  }

  /** Paints every tile's map and updates its texts. */
  paintTiles(net) {
    const { res, maps, stats } = net;
    const cells = res * res;
    const pixels = this.imagePixels;
    net.layers.forEach((layer, l) => {
      this.columns[l].tiles.forEach((t, u) => {
        const unit = this.offsets.unitStart[l] + u;
        paintValues(maps, unit * cells, cells, this.scaleOf(l, u), this.lutFor(l, u), pixels);
        t.ctx.putImageData(this.image, 0, 0);
        const s = this.stats(stats, unit);
        const label = describeUnit(unitName(layer, l, u), s);
        if (label !== t.label) {
          t.label = label;
          t.canvas.setAttribute('aria-label', label);
          t.canvas.title = label;
        }
        setAttr(t.canvas, 'data-dead', s.dead >= 0.999 ? 'true' : 'false');
      });
    });
  }

  /** The statistics {mean, std, saturated, dead} of shown unit number `unit` (NaN where missing). */
  stats(stats, unit) {
    const at = (k) => (stats && 4 * unit + k < stats.length ? stats[4 * unit + k] : NaN);
    return { mean: at(0), std: at(1), saturated: at(2), dead: at(3) };
  }

  /** Draws the edges between consecutive columns, weakest first, in one path per sign and strength. */
  drawEdges(net) {
    const ctx = this.edges.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.edges.width, this.edges.height);
    const weights = net.weights;
    if (!weights) return;
    const dpr = pixelRatio();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.lineCap = 'round';
    const { tile, pitch, columns } = this.layout;
    const colors = [this.colors.neg, this.colors.pos].map(([r, g, b]) => `rgb(${r},${g},${b})`);
    const buckets = [];
    for (let l = 0; l + 1 < net.layers.length; l++) {
      const nIn = net.layers[l].shown;
      const nOut = net.layers[l + 1].shown;
      const start = this.offsets.weightStart[l];
      if (nIn * nOut === 0 || start + nIn * nOut > weights.length) continue;
      const max = maxAbs(weights, start, nIn * nOut);
      const x1 = columns[l].x + tile;
      const x2 = columns[l + 1].x;
      const mx = (x1 + x2) / 2;
      for (let i = 0; i < nIn; i++) {
        for (let j = 0; j < nOut; j++) {
          const w = weights[start + i * nOut + j];
          const b = edgeBucket(w, max);
          if (b < 0) continue;
          const y1 = columns[l].y + i * pitch + tile / 2;
          const y2 = columns[l + 1].y + j * pitch + tile / 2;
          const k = 2 * b + (w > 0 ? 1 : 0);
          (buckets[k] ??= []).push(x1, y1, mx, x2, y2);
        }
      }
    }
    for (let k = 0; k < 2 * EDGE_BUCKETS; k++) {
      const lines = buckets[k];
      if (!lines) continue;
      const { width, alpha } = edgeStyle(k >> 1);
      ctx.strokeStyle = colors[k & 1];
      ctx.globalAlpha = alpha;
      ctx.lineWidth = width;
      ctx.beginPath();
      for (let n = 0; n < lines.length; n += 5) {
        const [x1, y1, mx, x2, y2] = [lines[n], lines[n + 1], lines[n + 2], lines[n + 3], lines[n + 4]];
        ctx.moveTo(x1, y1);
        ctx.bezierCurveTo(mx, y1, mx, y2, x2, y2);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** Selects the unit 'LAYER:INDEX' for the detail panel and shows it now. */
  select(id) {
    const [layer, unit] = id.split(':').map(Number);
    const s = this.selected;
    if (s && s.layer === layer && s.unit === unit) return;
    this.selected = { layer, unit };
    // The tiles belong to the data drawn last; newer data shows the selection when it is drawn.
    if (this.drawn === this.net && usable(this.net)) this.showDetail();
    else this.onRequestDraw();
  }

  /** Arrow keys move the focus between tiles: up and down in a column, left and right across columns. */
  keydown(event) {
    const tile = event.target.closest?.('[data-unit]');
    if (!tile || !this.columns.length) return;
    let [l, u] = tile.dataset.unit.split(':').map(Number);
    const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const from = this.columns[l].tiles.length;
    l += move[0];
    while (l >= 0 && l < this.columns.length && this.columns[l].tiles.length === 0) l += move[0] || 1;
    if (l < 0 || l >= this.columns.length) return;
    const n = this.columns[l].tiles.length;
    // Across columns the focus keeps its relative height; within a column it moves one tile.
    u = move[0] ? Math.round(((u + 0.5) / Math.max(1, from)) * n - 0.5) : u + move[1];
    u = Math.max(0, Math.min(n - 1, u));
    this.columns[l].tiles[u].canvas.focus();
  }

  /** Fills the detail panel and the legend from the selected unit (the legend alone without one). */
  showDetail() {
    const net = this.net;
    const s = this.selected;
    const firstHidden = net.layers.findIndex((x) => x.kind === 'hidden');
    this.showLegend(s ? s.layer : Math.max(0, firstHidden), s ? s.unit : 0);
    const tile = s ? this.columns[s.layer].tiles[s.unit].canvas : null;
    if (tile !== this.selectedTile) {
      this.selectedTile?.classList.remove('is-selected');
      tile?.classList.add('is-selected');
      this.selectedTile = tile;
    }
    if (!s) {
      this.resetDetail();
      return;
    }
    const { layer: l, unit: u } = s;
    const layer = net.layers[l];
    const name = unitName(layer, l, u);
    const unit = this.offsets.unitStart[l] + u;
    const st = this.stats(net.stats, unit);
    setText(this.detailTitle, name);
    const [lo, , hi] = scaleLabels(this.scaleOf(l, u));
    const what = layer.kind === 'hidden' ? activationLabel(layer.activation)
      : layer.kind === 'input' ? 'input feature' : 'class probability';
    setText(this.detailSub, `${what} · colours from ${lo} to ${hi}`);
    const cells = net.res * net.res;
    paintValues(net.maps, unit * cells, cells, this.scaleOf(l, u), this.lutFor(l, u), this.imagePixels);
    this.detailMap.getContext('2d').putImageData(this.image, 0, 0);
    this.detailMap.setAttribute('aria-label', describeUnit(name, st));
    this.detailMap.hidden = false;
    this.detailStats.hidden = false;
    setText(this.statValues.mean, formatLoss(st.mean));
    setText(this.statValues.std, formatLoss(st.std));
    setText(this.statValues.saturated, formatPercent(100 * st.saturated));
    setText(this.statValues.dead, formatPercent(100 * st.dead));
    this.showIncoming(net, l, u);
  }

  /** Empties the detail panel down to its hint (no unit selected). */
  resetDetail() {
    setText(this.detailTitle, 'No unit selected');
    setText(this.detailSub, 'Point at a tile, or focus it with Tab, to see it large here.');
    this.detailMap.hidden = true;
    this.detailStats.hidden = true;
    this.inTitle.hidden = true;
    this.inNote.hidden = true;
    for (const r of this.inRows) r.li.hidden = true;
  }

  /** Lists the strongest incoming weights of unit `u` of layer `l`. */
  showIncoming(net, l, u) {
    const rows = this.inRows;
    const hideAll = () => rows.forEach((r) => { r.li.hidden = true; });
    this.inTitle.hidden = false;
    if (l === 0) {
      setText(this.inTitle, 'An input feature: no incoming weights.');
      hideAll();
      this.inNote.hidden = true;
      return;
    }
    const from = net.layers[l - 1];
    const nOut = net.layers[l].shown;
    const start = this.offsets.weightStart[l - 1];
    const weights = net.weights;
    const top = weights && start + from.shown * nOut <= weights.length ? topIncoming(weights, start, from.shown, nOut, u) : [];
    setText(this.inTitle, top.length ? `Strongest incoming weights, from ${from.label || `Layer ${l - 1}`}:` : 'No incoming weights to show.');
    const max = top.length ? Math.abs(top[0].w) : 0;
    rows.forEach((r, k) => {
      const e = top[k];
      r.li.hidden = !e;
      if (!e) return;
      setText(r.name, sourceName(from, e.from));
      setText(r.value, signedWeight(e.w));
      r.fill.style.width = `${max > 0 ? Math.max(2, (100 * Math.abs(e.w)) / max) : 0}%`;
      const [cr, cg, cb] = e.w < 0 ? this.colors.neg : this.colors.pos;
      r.fill.style.backgroundColor = `rgb(${cr},${cg},${cb})`;
    });
    const partial = from.units > from.shown;
    this.inNote.hidden = !partial;
    if (partial) setText(this.inNote, `Only weights from the ${from.shown} drawn units of ${from.units} are listed.`);
  }

  /** Shows the colour scale of layer `l` (for outputs, in the colour of unit `u`'s class). */
  showLegend(l, u) {
    const net = this.net;
    const layer = net.layers[l];
    const scale = this.scaleOf(l, u);
    const input = layer.kind === 'input';
    const title = input ? `Colours of ${sourceName(layer, u)} (each input on its own scale):`
      : `Colours of ${layer.label || `Layer ${l}`}${layer.activation ? ` (${activationLabel(layer.activation)})` : ''}:`;
    setText(this.legendTitle, title);
    const labels = scaleLabels(scale);
    this.legendLabels.forEach((e, k) => setText(e, labels[k]));
    const sat = scale.kind === 'diverging' && scale.sat > 0;
    setText(this.legendSat, scale.prob ? 'Probability of the class, in its colour.' : saturationText(layer));
    const key = `${scale.kind}|${sat}|${scale.prob ? outputClass(layer, u) : -1}`;
    if (key === this.legendKey) return;
    this.legendKey = key;
    const lut = this.lutFor(l, u);
    const W = this.legendBar.width;
    const ends = sat ? 10 : 0;
    const img = new ImageData(W, 1);
    const px = new Uint32Array(img.data.buffer);
    for (let x = 0; x < W; x++) {
      if (x < ends) px[x] = lut[SAT_LO];
      else if (x >= W - ends) px[x] = lut[SAT_HI];
      else px[x] = lut[Math.round(((x - ends) / (W - 2 * ends - 1)) * GRADIENT)];
    }
    this.legendBar.getContext('2d').putImageData(img, 0, 0);
  }
}
