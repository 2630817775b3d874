// Owns what the Experiments view keeps and exports: finished (or cancelled) sweeps in this
// browser's localStorage, newest first and bounded (MAX_SWEEPS, and curves dropped from the
// oldest when storage is full), every stored sweep checked on load; a sweep as CSV (one row per
// run); the figures of a record the core's summary reads; and the spec's forms in the URL hash
// (`sweep=` beside the config) and in a JSON file. Sweeps computed elsewhere keep their marker
// (imported-sweep.js). Pure apart from the storage handed in, so the Node tests import it.

import { renameKeys } from '../app/json-values.js';
import { IMPORTED } from './imported-sweep.js';
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

const CURVE_COLUMNS = ['epoch', 'train_loss', 'val_loss', 'train_score', 'val_score'];
/** The most records a kept sweep holds and the most points of a kept curve (the core's bounds are
 * 500 runs and 64 points; these only keep a damaged store from costing memory). */
const MAX_RECORDS = 1000;
const MAX_CURVE_POINTS = 256;
const isScalar = (v) => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
/** The states a kept sweep can be in: finished, cancelled, or cut short by a reload ('running' when stored). */
const STATES = ['done', 'cancelled', 'interrupted', 'running'];

/** Whether a curve is absent or has equal columns of figures. */
function validCurve(c) {
  if (c === undefined || c === null) return true;
  if (!isObject(c) || !Array.isArray(c.epoch) || c.epoch.length > MAX_CURVE_POINTS) return false;
  return CURVE_COLUMNS.every((k) => Array.isArray(c[k]) && c[k].length === c.epoch.length && c[k].every(isNum));
}

/** Whether a stored record has the shape the view reads. */
export function validRecord(r) {
  // fit_epoch (the first epoch that fitted the training split) is absent from sweeps kept before it existed.
  const fit = r?.fit_epoch;
  return isObject(r) && Number.isSafeInteger(r.run) && r.run >= 0 && isScalar(r.value)
    && (fit === undefined || fit === null || (Number.isSafeInteger(fit) && fit >= 0))
    && (r.series === undefined || r.series === null || isScalar(r.series))
    && Number.isSafeInteger(r.seed) && Number.isSafeInteger(r.epochs) && FIGURES.every((k) => isNum(r[k]))
    && validCurve(r.curve);
}

/**
 * A stored sweep checked field by field: null when it cannot be shown (its spec is not a knob
 * with a list of values, or its id, time or state are not what the view writes); otherwise the
 * sweep with its bad records left out (`dropped` counts them) and a stored state of 'running'
 * (the page was reloaded mid-sweep) read as 'interrupted'. The spec's values are the core's to
 * check (the view asks the planner when the sweep is shown).
 */
export function checkStoredSweep(s) {
  if (!isObject(s) || typeof s.id !== 'string' || s.id.length > 100 || typeof s.started !== 'string') return null;
  const spec = s.spec;
  if (!isObject(spec) || typeof spec.knob !== 'string' || !Array.isArray(spec.values) || !spec.values.every(isScalar)) return null;
  if (spec.series !== undefined && spec.series !== null
    && !(isObject(spec.series) && typeof spec.series.knob === 'string' && Array.isArray(spec.series.values) && spec.series.values.every(isScalar))) return null;
  if (!STATES.includes(s.state) || !Array.isArray(s.records) || s.records.length > MAX_RECORDS) return null;
  if (!(s.ms === undefined || s.ms === null || (Number.isFinite(s.ms) && s.ms >= 0))) return null;
  // A sweep computed elsewhere is marked with its origin and the file it was read from.
  const imported = s.origin === IMPORTED;
  if (!(s.origin === undefined || s.origin === null || imported)) return null;
  if (imported && !(typeof s.file === 'string' && s.file.length <= 200 && s.state === 'done')) return null;
  const records = s.records.filter(validRecord);
  return {
    ...(imported ? { origin: s.origin, file: s.file } : {}),
    id: s.id, started: s.started, spec, records, ms: s.ms ?? null,
    // The preset a sweep ran from (its paper's figure is drawn behind it), when it names one.
    preset: typeof s.preset === 'string' && s.preset.length <= 100 ? s.preset : null,
    state: s.state === 'running' ? 'interrupted' : s.state,
    dropped: s.records.length - records.length,
  };
}

/** The fields of a record the core's summary reads (src/sweep/summary.rs `Figures`). */
export function figuresOf(r) {
  const { value, series, final_train_loss, final_val_loss, final_train_score, final_val_score, best_train_loss, best_val_loss, best_train_score, best_val_score, fit_epoch } = r;
  return { value, series: series ?? null, final_train_loss, final_val_loss, final_train_score, final_val_score, best_train_loss, best_val_loss, best_train_score, best_val_score, fit_epoch: fit_epoch ?? null };
}

/** The record fields of kept sweeps stored by an earlier version, and their names now. */
const EARLIER_NAMES = Object.fromEntries(
  ['final_train', 'final_val', 'best_train', 'best_val', 'train', 'val'].map((p) => [`${p}_acc`, `${p}_score`]),
);

/** The sentence about what a damaged store lost, or null when nothing was dropped. */
function damage(sweeps, records) {
  const parts = [];
  if (sweeps > 0) parts.push(`${sweeps} kept sweep${sweeps === 1 ? '' : 's'}`);
  if (records > 0) parts.push(`${records} run${records === 1 ? '' : 's'} of the kept sweeps`);
  if (parts.length === 0) return null;
  return `${parts.join(' and ')} could not be read (damaged or from another version) and ${sweeps + records === 1 ? 'was' : 'were'} dropped.`;
}

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
      const good = [];
      let badRecords = 0;
      for (const raw of v.slice(0, 4 * MAX_SWEEPS)) {
        const s = checkStoredSweep(raw);
        // A second sweep with an id already kept is a damaged copy: the first one stays.
        if (!s || good.some((g) => g.id === s.id)) continue;
        badRecords += s.dropped;
        delete s.dropped;
        good.push(s);
      }
      const badSweeps = v.length - good.length;
      this.problem = damage(badSweeps, badRecords);
      return good.slice(0, MAX_SWEEPS);
    } catch {
      this.problem = 'The stored sweeps could not be read and were dropped.';
      return [];
    }
  }

  /**
   * Drops kept sweeps the core refused (`problems`: [{id, message}]) and says so with the first
   * message, the one `overfit sweep` prints for the same spec.
   */
  dropRefused(problems) {
    if (problems.length === 0) return;
    const ids = new Set(problems.map((p) => p.id));
    this.sweeps = this.sweeps.filter((s) => !ids.has(s.id));
    this.#write();
    const n = problems.length;
    this.problem = [this.problem, `${n} kept sweep${n === 1 ? ' was' : 's were'} dropped: ${problems[0].message}.`].filter(Boolean).join(' ');
  }

  /**
   * Keeps a sweep (replacing one with the same id), newest first, within the bounds: a sweep
   * with no finished run is not kept (a cancelled one only takes a slot if runs finished), and
   * when the bound is reached the oldest sweep that did not finish goes before any that did.
   */
  save(sweep) {
    const others = this.sweeps.filter((s) => s.id !== sweep.id);
    if (sweep.records.length === 0 && sweep.state !== 'done') {
      if (others.length !== this.sweeps.length) {
        this.sweeps = others;
        this.#write();
      }
      return;
    }
    let kept = [sweep, ...others];
    while (kept.length > MAX_SWEEPS) {
      const unfinished = kept.findLastIndex((s, i) => i > 0 && s.state !== 'done');
      kept.splice(unfinished > 0 ? unfinished : kept.length - 1, 1);
    }
    this.sweeps = kept;
    this.#write();
  }

  /** Writes the kept sweeps; when storage is full, drops curves, then the oldest sweeps. */
  #write() {
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

/**
 * The sweep's runs as CSV: one row per run, in run order, accuracies as fractions, under the
 * core's header (`columns`: `sweep_schema().csv_columns`, with `{knob}` and `{series}` standing
 * for the knobs' names), which src/sweep/csv.rs reads back. The dataset column repeats the
 * sweep's dataset (empty when the sweep does not know it).
 */
export function sweepCsv(spec, records, columns) {
  const dataset = spec.config?.dataset ?? null;
  const used = columns.filter((c) => c !== '{series}' || spec.series);
  const head = used.map((c) => (c === '{knob}' ? spec.knob : c === '{series}' ? spec.series.knob : c));
  const cell = (r, c) => {
    if (c === '{knob}') return r.value;
    if (c === '{series}') return r.series;
    if (c === 'dataset') return dataset;
    return r[c] ?? null;
  };
  const rows = [...records].sort((a, b) => a.run - b.run).map((r) => used.map((c) => csvCell(cell(r, c))).join(','));
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
