// Owns the live per-layer view: small multiples with one row per hidden layer and three
// histograms per row (pre-activation, activation, gradient of the probe batch), each with its
// mean, std, % saturated, % dead and % zeros beneath it (their definitions in the tooltips); and
// the bounded history of these statistics (one entry per epoch, at most MAX_ENTRIES) with the
// slider that looks back at earlier epochs.

import { cssVar } from './canvas.js';
import { drawHistogram, fmt } from './histogram.js';
import { saturationWords } from '../config/schema.js';
import { formatShare } from '../app/format.js';

/** The history keeps at most this many entries; when full, every other entry is dropped. */
const MAX_ENTRIES = 500;

const PARTS = [
  ['pre', 'Pre-activation', 'The input of the activation function (after the linear layer and any normalization before it).', 'pre-activation'],
  ['act', 'Activation', 'The output of the activation function: what the next layer receives.', 'activation'],
  ['grad', 'Gradient', 'The gradient of the loss with respect to the activation, on the probe batch.', 'gradient'],
];

/** The statistics under each histogram: [key, short label]. */
const STATS = [['mean', 'mean'], ['std', 'std'], ['saturated', 'sat'], ['dead', 'dead'], ['zeros', 'zeros']];

/**
 * The tooltip of statistic `stat` under the histogram of `part` (its key and noun); `saturated`
 * is the core's definition of saturation (Schema.saturationWords).
 */
function statTitle(stat, part, noun, saturated) {
  const act = part === 'act';
  switch (stat) {
    case 'saturated':
      return saturated + (act ? '.' : ' (counted on activations only, so always 0 here).');
    case 'dead':
      return act
        ? 'dead: units that output 0 for every sample of the probe batch (ReLUs that never fire).'
        : `dead: units whose ${noun} is 0 for every sample of the probe batch.`;
    case 'zeros':
      return `zeros: fraction of exact zero ${act ? 'activations' : `${noun} values`} (unit-samples).`;
    default:
      return `The ${stat} of the ${noun} over the probe batch.`;
  }
}

export class LayersView {
  /** `rows` receives the layer rows; `slider` and `sliderLabel` look back through the history. */
  constructor(rows, slider, sliderLabel, note) {
    /** The definition of "saturated" in the tooltips, the core's (set when the schema arrives). */
    this.saturationWords = saturationWords(null);
    this.rows = rows;
    this.slider = slider;
    this.sliderLabel = sliderLabel;
    this.note = note;
    /** Entries {epoch, step, layers, bins, counts}, oldest first. */
    this.history = [];
    /** Whether the slider follows the newest entry (it does until the user moves it back). */
    this.live = true;
    this.shape = '';
    this.cells = [];
    this.dirty = true;
    slider.addEventListener('input', () => {
      this.live = Number(slider.value) >= this.history.length - 1;
      this.dirty = true;
    });
  }

  /** Forgets the history (a new run). */
  clear() {
    this.history = [];
    this.live = true;
    this.dirty = true;
  }

  /** Adds the statistics of a snapshot; an entry of the same epoch is replaced by the newer one. */
  push(epoch, step, layers, bins, counts) {
    const entry = { epoch, step, layers, bins, counts };
    const last = this.history.at(-1);
    if (last && last.epoch === epoch) this.history[this.history.length - 1] = entry;
    else this.history.push(entry);
    if (this.history.length > MAX_ENTRIES) {
      // Downsample: keep every other entry, always keeping the newest.
      const kept = this.history.filter((_, i) => i % 2 === 0);
      if (kept.at(-1) !== entry) kept.push(entry);
      this.history = kept;
    }
    this.dirty = true;
  }

  /** The entry the slider points at (the newest while live). */
  current() {
    if (this.history.length === 0) return null;
    if (this.live) return this.history.at(-1);
    return this.history[Math.min(this.history.length - 1, Number(this.slider.value))];
  }

  /** Builds one row per layer when the number of layers changes. */
  shapeRows(layers) {
    const shape = layers.map((l) => `${l.layer}:${l.activation}`).join(',');
    if (shape === this.shape) return;
    this.shape = shape;
    this.cells = layers.map((l) => {
      const row = document.createElement('div');
      row.className = 'layer-row';
      const head = document.createElement('p');
      head.className = 'layer-head';
      head.textContent = `Layer ${l.layer} · ${l.activation}`;
      row.append(head);
      const parts = PARTS.map(([key, title, tip, noun]) => {
        const fig = document.createElement('figure');
        fig.className = 'hist';
        const cap = document.createElement('figcaption');
        cap.textContent = title;
        cap.title = tip;
        const canvas = document.createElement('canvas');
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `Layer ${l.layer} ${title.toLowerCase()} histogram`);
        const stats = document.createElement('p');
        stats.className = 'hist-stats';
        const spans = {};
        for (const [stat] of STATS) {
          const s = document.createElement('span');
          s.dataset.testid = `layer-${l.layer}-${key}-${stat}`;
          s.title = statTitle(stat, key, noun, this.saturationWords);
          spans[stat] = s;
          stats.append(s);
        }
        fig.append(cap, canvas, stats);
        row.append(fig);
        return { key, canvas, spans };
      });
      return { row, parts };
    });
    this.rows.replaceChildren(...this.cells.map((c) => c.row));
    // Few layers get taller histograms (the CSS divides the view's height among the rows).
    this.rows.style.setProperty('--layers', String(Math.max(1, layers.length)));
  }

  /** Draws the entry the slider points at (call from requestAnimationFrame, when visible). */
  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const n = this.history.length;
    this.slider.max = String(Math.max(0, n - 1));
    this.slider.disabled = n < 2;
    if (this.live) this.slider.value = String(Math.max(0, n - 1));
    const e = this.current();
    if (!e) {
      this.sliderLabel.textContent = 'no statistics yet';
      this.rows.replaceChildren();
      this.shape = '';
      return;
    }
    this.sliderLabel.textContent = `epoch ${e.epoch}${this.live ? ' (live)' : ''}`;
    this.sliderLabel.dataset.epoch = String(e.epoch);
    this.note.hidden = e.layers.length > 0;
    this.shapeRows(e.layers);
    const colors = { pre: cssVar('--hist-pre', '#56b4e9'), act: cssVar('--train', '#34425f'), grad: cssVar('--val', '#c0398f') };
    e.layers.forEach((l, i) => {
      for (const [j, part] of this.cells[i].parts.entries()) {
        const s = l[part.key];
        drawHistogram(part.canvas, e.counts, (i * 3 + j) * e.bins, e.bins, s.lo, s.hi, colors[part.key]);
        for (const [stat, label] of STATS) {
          const v = s[stat];
          if (stat === 'mean' || stat === 'std') setStat(part.spans[stat], `${label} ${fmt(v)}`, v);
          // A snapshot without this statistic shows a dash rather than a wrong number.
          else if (!Number.isFinite(v)) setStat(part.spans[stat], `${label} \u2013`, NaN);
          else setStat(part.spans[stat], `${label} ${formatShare(v).replace(' ', '\u202f')}`, 100 * v);
        }
      }
    });
  }
}

function setStat(el, text, value) {
  if (el.textContent !== text) el.textContent = text;
  el.dataset.value = String(value);
}
