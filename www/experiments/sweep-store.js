// Owns what the Experiments view keeps and exports: finished (or cancelled) sweeps in this
// browser's localStorage, newest first and bounded (MAX_SWEEPS, and curves dropped from the
// oldest when storage is full), every stored sweep checked on load; a sweep as CSV (one row per
// run); and the spec's forms in the URL hash (`sweep=` beside the config) and in a JSON file.
// Pure apart from the storage handed in, so the Node tests import it.

import { renameKeys } from '../app/json-values.js';
const KEY = 'overfit.sweeps.v1';
export const MAX_SWEEPS = 5;
/** The longest `sweep=` hash part read (a spec is a few hundred characters). */
export const MAX_HASH_CHARS = 8000;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNum = (v) => v === null || (typeof v === 'number' && Number.isFinite(v));
const FIGURES = [
  'final_train_loss', 'final_val_loss', 'final_train_score', 'final_val_score',
  'best_train_loss', 'best_val_loss', 'best_train_score', 'best_val_score',
];

/** Whether a stored record has the shape the view reads. */
export function validRecord(r) {
  return isObject(r) && Number.isSafeInteger(r.run) && r.run >= 0 && (typeof r.value === 'number' || typeof r.value === 'string')
    && Number.isSafeInteger(r.seed) && Number.isSafeInteger(r.epochs) && FIGURES.every((k) => isNum(r[k]))
    && (r.curve === undefined || r.curve === null || (isObject(r.curve) && Array.isArray(r.curve.epoch)));
}

/** The record fields of kept sweeps stored by an earlier version, and their names now. */
const EARLIER_NAMES = Object.fromEntries(
  ['final_train', 'final_val', 'best_train', 'best_val', 'train', 'val'].map((p) => [`${p}_acc`, `${p}_score`]),
);

export class SweepStore {
  constructor(storage = defaultStorage()) {
    this.storage = storage;
    this.problem = null;
    this.sweeps = this.#load();
  }

  #load() {
    if (!this.storage) return [];
    try {
      // Kept before the score slots were named for what they hold (accuracy or R²).
      const v = renameKeys(JSON.parse(this.storage.getItem(KEY) ?? '[]'), EARLIER_NAMES);
      if (!Array.isArray(v)) throw new Error('not a list');
      const good = v.filter((s) => isObject(s) && typeof s.id === 'string' && isObject(s.spec) && Array.isArray(s.records))
        .map((s) => ({ ...s, records: s.records.filter(validRecord) }));
      if (good.length < v.length) this.problem = `${v.length - good.length} stored sweep(s) could not be read and were dropped.`;
      return good.slice(0, MAX_SWEEPS);
    } catch {
      this.problem = 'The stored sweeps could not be read and were dropped.';
      return [];
    }
  }

  /** Keeps a sweep (replacing one with the same id), newest first, within the bounds. */
  save(sweep) {
    this.sweeps = [sweep, ...this.sweeps.filter((s) => s.id !== sweep.id)].slice(0, MAX_SWEEPS);
    if (!this.storage) return;
    // Full storage: drop the oldest sweeps' curves, then the oldest sweeps, until it fits.
    for (let attempt = 0; attempt < 2 * MAX_SWEEPS + 1; attempt++) {
      try {
        this.storage.setItem(KEY, JSON.stringify(this.sweeps));
        return;
      } catch {
        const withCurves = [...this.sweeps].reverse().find((s) => s.records.some((r) => r.curve));
        if (withCurves && withCurves !== this.sweeps[0]) withCurves.records = withCurves.records.map(({ curve, ...r }) => r);
        else if (this.sweeps.length > 1) this.sweeps.pop();
        else {
          this.sweeps[0].records = this.sweeps[0].records.map(({ curve, ...r }) => r);
          if (attempt > MAX_SWEEPS) break;
        }
      }
    }
    this.problem = 'This browser\'s storage is full: the sweep is shown but not kept.';
  }

  clear() {
    this.sweeps = [];
    try {
      this.storage?.removeItem(KEY);
    } catch {
      // Nothing kept to forget.
    }
  }
}

function defaultStorage() {
  try {
    const s = globalThis.localStorage;
    s.setItem('overfit.probe', '1');
    s.removeItem('overfit.probe');
    return s;
  } catch {
    return null;
  }
}

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The sweep's runs as CSV: one row per run, in run order, accuracies as fractions. */
export function sweepCsv(spec, records) {
  const head = ['run', spec.knob, ...(spec.series ? [spec.series.knob] : []), 'seed', 'epochs', 'steps', ...FIGURES, 'best_epoch', 'early_stopped', 'diverged'];
  const rows = [...records].sort((a, b) => a.run - b.run).map((r) => [
    r.run, r.value, ...(spec.series ? [r.series] : []), r.seed, r.epochs, r.steps, ...FIGURES.map((k) => r[k]), r.best_epoch, r.early_stopped, r.diverged,
  ].map(csvCell).join(','));
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

/** The spec without its config, for the hash (the config has its own part of the hash). */
export function specForHash(spec) {
  const { config, ...rest } = spec;
  return rest;
}

/** The `sweep=` part of a hash: `&sweep=` + the spec's JSON (without config), URI-encoded. */
export function hashPart(spec) {
  return spec ? `&sweep=${encodeURIComponent(JSON.stringify(specForHash(spec)))}` : '';
}

/**
 * Splits a hash into the config part and the sweep spec: `{rest, spec, error}`; `spec` is null
 * when the hash has no `sweep=` part.
 */
export function splitHash(hash) {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const parts = text.split('&');
  const at = parts.findIndex((p) => p.startsWith('sweep='));
  if (at < 0) return { rest: hash, spec: null, error: null };
  const raw = parts[at].slice('sweep='.length);
  const rest = `#${parts.filter((_, i) => i !== at).join('&')}`;
  if (raw.length > MAX_HASH_CHARS) return { rest, spec: null, error: `the sweep in the link is longer than ${MAX_HASH_CHARS} characters` };
  try {
    const spec = JSON.parse(decodeURIComponent(raw));
    if (!isObject(spec)) throw new Error('not an object');
    return { rest, spec, error: null };
  } catch {
    return { rest, spec: null, error: 'the sweep in the link is not readable JSON' };
  }
}

/**
 * Reads the Values box: a range "A to B, N values, log|linear" becomes {from, to, count, scale};
 * anything else a list split at commas (numbers where they read as numbers, else names).
 */
export function parseValues(text) {
  const t = String(text).trim();
  const m = /^(-?[\d.]+(?:e-?\d+)?)\s*(?:to|…|\.\.)\s*(-?[\d.]+(?:e-?\d+)?)\s*(?:,?\s*(\d+)\s*(?:values?|steps?)?)?\s*,?\s*(log|linear)?$/i.exec(t);
  if (m) {
    const out = { from: Number(m[1]), to: Number(m[2]) };
    if (m[3]) out.count = Number(m[3]);
    if (m[4]) out.scale = m[4].toLowerCase();
    return out;
  }
  if (t === '') return [];
  return t.split(/[,;\s]+/).filter(Boolean).map((s) => (/^-?[\d.]+(e-?\d+)?$/i.test(s) ? Number(s) : s));
}

/** The Values box's text for a spec's values (a list or a range). */
export function formatValues(values) {
  if (Array.isArray(values)) return values.join(', ');
  if (isObject(values)) return `${values.from} to ${values.to}${values.count ? `, ${values.count} values` : ''}${values.scale ? `, ${values.scale}` : ''}`;
  return '';
}
