// Owns the init lab view: its settings (initialization, activation, depth, width), the one-click
// buttons per initialization, the busy indicator, and the drawing of its result — a std-per-layer
// line chart and, per layer, the activation and gradient histograms with their statistics (their
// definitions in the tooltips), and the one-line summary naming the run as the menus do. The
// computation itself runs in the worker (wasm `init_lab`); this module only asks for it.

import { ACTIVATION_TEXT, INIT_TEXT } from '../config/field-words.js';
import { cssVar } from './canvas.js';
import { drawHistogram, fmt } from './histogram.js';
import { LayerLinesChart } from './layer-lines.js';
import { bump, mark } from '../app/test-markers.js';
import { formatShare } from '../app/format.js';

/** The tooltip of each statistic under the lab's histograms, by its short label. */
const STAT_TITLES = {
  std: 'std: standard deviation of the activations over the batch.',
  mean: 'mean: mean of the activations over the batch.',
  // Set from the core's saturated bands when the schema arrives (setSaturationWords).
  sat: 'saturated: unit-samples near a flat end of tanh or sigmoid.',
  dead: 'dead: units that output 0 for every sample of the batch (ReLUs that never fire).',
  zeros: 'zeros: fraction of exact zero activations (unit-samples).',
  'grad std': 'std: standard deviation of the gradient reaching this layer\'s output, dL/dH.',
  'dW std': 'dW std: standard deviation of the gradient of this layer\'s weights, dL/dW.',
};

/** The menu's text for an option value (`table` maps value -> [text, description]). */
function optionText(table, value) {
  return table[value]?.[0] ?? String(value);
}

/** A fraction as a whole percentage. */
function pct(v) {
  return formatShare(v ?? 0).replace(' ', '\u202f');
}

export class InitLab {
  /**
   * `els` holds the view's elements: {init, activation, depth, width, run, quick (buttons with
   * data-init), busy, summary, chart, rows}. `onRun(settings)` is called with
   * {lab_init, lab_activation, lab_depth, lab_width} when the user asks for a run.
   */
  constructor(els, onRun) {
    this.els = els;
    this.onRun = onRun;
    this.statTitles = STAT_TITLES;
    this.chart = new LayerLinesChart(els.chart);
    this.result = null;
    this.dirty = false;
    els.run.addEventListener('click', () => this.request());
    for (const b of els.quick) {
      b.addEventListener('click', () => {
        els.init.value = b.dataset.init;
        this.request();
      });
    }
  }

  /**
   * Fills the lab's inputs from the field descriptions (config-fields.js): the options of
   * lab_init and lab_activation, and the ranges of lab_depth and lab_width, all from the core's
   * schema.
   */
  /** Takes the core's definition of "saturated" (Schema.saturationWords) for the tooltips. */
  setSaturationWords(words) {
    this.statTitles = { ...STAT_TITLES, sat: `${words}.` };
  }

  setFields(fields) {
    const byKey = new Map(fields.map((f) => [f.key, f]));
    for (const [key, select] of [['lab_init', this.els.init], ['lab_activation', this.els.activation]]) {
      const f = byKey.get(key);
      if (!f?.options) continue;
      select.replaceChildren(...f.options.map(([value, text, title]) => {
        const o = new Option(text, value);
        if (title) o.title = title;
        return o;
      }));
    }
    for (const [key, input] of [['lab_depth', this.els.depth], ['lab_width', this.els.width]]) {
      const f = byKey.get(key);
      if (f?.min !== undefined) input.min = String(f.min);
      if (f?.max !== undefined) input.max = String(f.max);
    }
  }

  /** Shows the lab settings of a config in the view's inputs. */
  setSettings(config) {
    this.els.init.value = config.lab_init;
    this.els.activation.value = config.lab_activation;
    this.els.depth.value = String(config.lab_depth);
    this.els.width.value = String(config.lab_width);
  }

  request() {
    const e = this.els;
    this.onRun({
      lab_init: e.init.value,
      lab_activation: e.activation.value,
      lab_depth: Math.round(Number(e.depth.value)),
      lab_width: Math.round(Number(e.width.value)),
    });
  }

  /** Shows or hides the busy indicator. */
  setBusy(busy) {
    this.els.busy.hidden = !busy;
    mark('labBusy', busy);
  }

  setError(message) {
    this.setBusy(false);
    this.els.summary.textContent = message;
    this.els.summary.classList.add('error');
  }

  setResult(result, ms) {
    this.setBusy(false);
    this.result = result;
    this.ms = ms;
    this.dirty = true;
  }

  draw() {
    if (!this.dirty || !this.result) return;
    this.dirty = false;
    const r = this.result;
    const layers = Array.from(r.layers);
    const e = this.els;
    const first = layers[0];
    const last = layers.at(-1);
    const ratio = first && first.std > 0 ? last.std / first.std : NaN;
    e.summary.classList.remove('error');
    e.summary.textContent = `${r.depth} × ${r.width} ${optionText(ACTIVATION_TEXT, r.activation)}, `
      + `${optionText(INIT_TEXT, r.init)} init, batch ${r.batch} (${Math.round(this.ms)} ms): `
      + `activation std ${fmt(first?.std)} in layer 1, ${fmt(last?.std)} in layer ${r.depth}; `
      + `in the last layer ${pct(last?.saturated)} saturated, ${pct(last?.dead)} of units dead, `
      + `${pct(last?.zeros)} zeros.`;
    e.summary.title = `${this.statTitles.sat} ${this.statTitles.dead} ${this.statTitles.zeros}`;
    e.summary.dataset.ratio = String(ratio);
    e.summary.dataset.lastSaturated = String(100 * (last?.saturated ?? 0));
    e.summary.dataset.lastDead = String(100 * (last?.dead ?? 0));
    e.summary.dataset.lastZeros = String(100 * (last?.zeros ?? 0));
    e.summary.dataset.init = r.init;
    bump('labRuns');
    this.chart.draw([
      { values: layers.map((l) => l.std), color: cssVar('--train', '#34425f'), label: 'activation std' },
      { values: layers.map((l) => l.grad_std), color: cssVar('--val', '#c0398f'), label: 'gradient std' },
    ], { yLabel: 'std (log scale)' });
    const actColor = cssVar('--train', '#34425f');
    const gradColor = cssVar('--val', '#c0398f');
    const rows = layers.map((l) => {
      const row = document.createElement('div');
      row.className = 'lab-row';
      const head = document.createElement('p');
      head.className = 'layer-head';
      head.textContent = `Layer ${l.layer}`;
      row.append(head);
      for (const [title, hist, stats, color] of [
        ['Activation', l.hist, [['std', l.std], ['mean', l.mean], ['sat', l.saturated], ['dead', l.dead], ['zeros', l.zeros]], actColor],
        ['Gradient', l.grad_hist, [['std', l.grad_std], ['dW std', l.weight_grad_std]], gradColor],
      ]) {
        const fig = document.createElement('figure');
        fig.className = 'hist';
        const cap = document.createElement('figcaption');
        cap.textContent = title;
        const canvas = document.createElement('canvas');
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `Init lab layer ${l.layer} ${title.toLowerCase()} histogram`);
        const p = document.createElement('p');
        p.className = 'hist-stats';
        for (const [name, v] of stats) {
          const s = document.createElement('span');
          const fraction = name === 'sat' || name === 'dead' || name === 'zeros';
          s.textContent = fraction ? `${name} ${pct(v)}` : `${name} ${fmt(v)}`;
          s.title = this.statTitles[title === 'Gradient' && name === 'std' ? 'grad std' : name];
          s.dataset.testid = `lab-${l.layer}-${title === 'Activation' ? 'act' : 'grad'}-${name.replace(' ', '-')}`;
          s.dataset.value = String(fraction ? 100 * v : v);
          p.append(s, ' ');
        }
        fig.append(cap, canvas, p);
        row.append(fig);
        // Drawn after the row is in the document, when the canvas has its size.
        queueMicrotask(() => drawHistogram(canvas, hist.counts, 0, hist.counts.length, hist.lo, hist.hi, color));
      }
      return row;
    });
    e.rows.replaceChildren(...rows);
  }
}
