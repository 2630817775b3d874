// Owns the Network tab's diagram: one column per layer (inputs, hidden layers, outputs), every
// shown unit drawn as a small heatmap of what it computes over the input plane, the weights
// between consecutive columns as edges on one canvas behind the tiles, the colour legend and the
// detail panel of the unit under the pointer or focus. The pure parts live beside it:
// network-layout.js (geometry), network-colors.js (colour scales) and network-labels.js (words).

import { cssVar, pixelRatio, rgb } from './canvas.js';
import { CLASS_COLORS } from './boundary.js';
import { formatLoss, formatPercent } from '../app/format.js';
import { EDGE_BUCKETS, HEADER, SIDE, TOP_INCOMING, edgeBucket, edgeStyle, layoutNetwork, maxAbs, offsets, topIncoming } from './network-layout.js';
import { GRADIENT, SAT_HI, SAT_LO, buildLut, featureScale, paintValues, scaleFor, scaleLabels } from './network-colors.js';
import { activationLabel, describeUnit, saturationText, signedWeight, sourceName, unitName } from './network-labels.js';

/** The note shown until the first data arrives. */
const WAITING = 'The network diagram appears with the first snapshot of the network.';

/** The side of the large map in the detail panel (CSS pixels). */
const DETAIL_SIZE = 160;

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
