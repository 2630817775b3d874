// Owns the "Runs" tab: the recent runs this browser kept (www/saved-runs.js), newest first, each
// with a one-line description of its config, its figures, a sparkline of its accuracy curves and
// buttons to show its curves over the current ones or to use its settings; and "Clear history".
// Every text comes from textContent, never innerHTML.

import { formatInt, formatPercent } from '../app/format.js';
import { NORM_TEXT } from '../config/field-words.js';

/**
 * A short description of a config: data, network, optimizer, and the regularizers in use;
 * `augmented` is the core's word on whether training augmentation is on (kept with the run).
 */
export function describeConfig(c, augmented = false) {
  const parts = [];
  parts.push(c.dataset === 'user' ? 'your images' : String(c.dataset));
  const hidden = Array.isArray(c.hidden) && c.hidden.length > 0 ? c.hidden.join('-') : 'no hidden layer';
  parts.push(`${hidden} ${c.activation ?? ''}`.trim());
  parts.push(`${c.optimizer ?? ''} lr ${c.learning_rate}`.trim());
  const extra = [];
  if (c.dropout > 0) extra.push(`dropout ${c.dropout}`);
  if (c.l2 > 0) extra.push(`L2 ${c.l2}`);
  if (c.l1 > 0) extra.push(`L1 ${c.l1}`);
  if (c.norm && c.norm !== 'none') {
    const name = NORM_TEXT[c.norm]?.[0] ?? String(c.norm);
    extra.push(c.norm === 'group' ? `${name} G=${c.groups}` : name);
  }
  if (augmented) extra.push('augmentation');
  if (c.ensemble > 1) extra.push(`ensemble of ${c.ensemble}`);
  if (c.patience > 0) extra.push(`early stopping ${c.patience}`);
  if (c.init) extra.push(`${c.init} init`);
  return [...parts, ...extra].join(' · ');
}

const STATUS = { training: 'training', paused: 'paused', diverged: 'diverged', stopped: 'early-stopped', crashed: 'stopped by a fault' };

/** Draws the training and validation accuracy of a saved run as two lines on a small canvas. */
function sparkline(canvas, curves, colors) {
  const dpr = window.devicePixelRatio || 1;
  const w = 120;
  const h = 36;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d');
  ctx.scale(dpr, dpr);
  const n = curves.epoch.length;
  if (n < 2) return;
  const x0 = curves.epoch[0];
  const x1 = curves.epoch[n - 1];
  for (const [key, color, dash] of [['trainScore', colors.train, []], ['valScore', colors.val, [3, 2]]]) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(dash);
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < n; i++) {
      const v = curves[key][i];
      if (v === null) continue;
      const x = 2 + ((w - 4) * (curves.epoch[i] - x0)) / Math.max(1, x1 - x0);
      const y = h - 2 - ((h - 4) * Math.max(0, Math.min(100, v))) / 100;
      if (started) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      started = true;
    }
    ctx.stroke();
  }
}

export class RunsView {
  /**
   * `list` (an <ol>) receives the runs, `note` says how many and where they are kept, `clear`
   * is the Clear history button. `onShow(run)` toggles a run's curves over the current ones,
   * `onUse(run)` loads its settings, `onClear()` forgets them all.
   */
  constructor({ list, note, clear }, { onShow, onUse, onClear }) {
    this.list = list;
    this.note = note;
    this.clearButton = clear;
    this.onShow = onShow;
    this.onUse = onUse;
    clear.addEventListener('click', () => onClear());
  }

  /** Shows `runs` (newest first); `shownId` is the run whose curves are overlaid, if any. */
  render(runs, shownId, problem = null) {
    const css = getComputedStyle(document.documentElement);
    const colors = { train: css.getPropertyValue('--train').trim() || '#34425f', val: css.getPropertyValue('--val').trim() || '#c0398f' };
    const count = runs.length === 0
      ? 'No runs kept yet. Every run you train is kept here, in this browser only, and survives a reload.'
      : `${runs.length} recent run${runs.length === 1 ? '' : 's'}, kept in this browser only (newest first).`;
    this.note.textContent = problem ? `${problem} ${count}` : count;
    this.clearButton.disabled = runs.length === 0;
    this.list.replaceChildren(...runs.map((run) => {
      const li = document.createElement('li');
      li.dataset.testid = 'saved-run';
      li.dataset.id = run.id;
      const canvas = document.createElement('canvas');
      canvas.className = 'spark';
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', 'Training and validation accuracy of this run');
      sparkline(canvas, run.curves, colors);
      const text = document.createElement('div');
      text.className = 'run-text';
      const title = document.createElement('p');
      title.className = 'run-title';
      title.textContent = describeConfig(run.config, run.augmented === true);
      const meta = document.createElement('p');
      meta.className = 'run-meta';
      const when = new Date(run.started);
      const time = Number.isNaN(when.getTime()) ? '' : `${when.toLocaleDateString()} ${when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} · `;
      const best = run.best ? ` · best validation ${formatPercent(run.best.valScore)} (epoch ${run.best.epoch})` : '';
      const final = run.final ? ` · final ${formatPercent(run.final.trainScore)} training, ${formatPercent(run.final.valScore)} validation` : '';
      meta.textContent = `${time}${run.epoch} epochs, ${formatInt(run.step)} steps${final}${best} · ${STATUS[run.status] ?? run.status}${run.arithmetic ? ` · ${run.arithmetic} arithmetic` : ''}`;
      text.append(title, meta);
      const show = document.createElement('button');
      show.type = 'button';
      show.className = 'small';
      show.textContent = run.id === shownId ? 'Hide curves' : 'Show curves';
      show.title = 'Draw this run\'s curves over the current run\'s (grey).';
      show.setAttribute('aria-pressed', String(run.id === shownId));
      show.addEventListener('click', () => this.onShow(run));
      const use = document.createElement('button');
      use.type = 'button';
      use.className = 'small';
      use.textContent = 'Use settings';
      use.title = 'Load this run\'s config into the controls (it starts a new run).';
      use.addEventListener('click', () => this.onUse(run));
      const buttons = document.createElement('div');
      buttons.className = 'run-buttons';
      buttons.append(show, use);
      li.append(canvas, text, buttons);
      return li;
    }));
  }
}
