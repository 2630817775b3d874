// Owns what the page keeps in this browser (localStorage) so that a reload or a crash loses no
// work: the config last in force, and the recent runs (config, status, final figures and curves
// thinned to at most CURVE_POINTS epochs), newest first, at most MAX_RUNS. Everything read back is
// checked, since storage may hold anything (an older version, another tab, a hand edit); a full
// or unavailable storage drops the oldest runs or disables saving with a message, never throws.

import { evenIndices } from '../training/curve-history.js';
import { renameKeys } from '../app/json-values.js';

const RUNS_KEY = 'overfit.runs.v1';
const CONFIG_KEY = 'overfit.config.v1';
export const MAX_RUNS = 20;
export const CURVE_POINTS = 200;

const COLUMNS = ['epoch', 'trainLoss', 'valLoss', 'trainScore', 'valScore'];

/** The page's localStorage, or null where it is unavailable (private modes, sandboxed frames). */
function defaultStorage() {
  try {
    const s = globalThis.localStorage;
    const probe = 'overfit.probe';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}

/** Columns thinned evenly to at most `max` points, always keeping the newest. */
export function thinColumns(history, max = CURVE_POINTS) {
  const pick = evenIndices(history.epoch.length, max);
  const out = {};
  for (const c of COLUMNS) out[c] = pick.map((i) => (Number.isFinite(history[c][i]) ? history[c][i] : null));
  return out;
}

const isCount = (v) => Number.isSafeInteger(v) && v >= 0;
const isFigure = (v) => v === null || (typeof v === 'number' && Number.isFinite(v));
const isFigures = (o, keys) => o === null || (typeof o === 'object' && !Array.isArray(o) && keys.every((k) => isFigure(o[k])));

/**
 * Whether a stored value is a well-formed run: every field a view reads (www/runs-view.js, the
 * curves overlay, "Use settings") has its type. Anything else is dropped on load and counted.
 */
export function isRun(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) return false;
  if (typeof r.id !== 'string' || typeof r.hash !== 'string' || typeof r.status !== 'string' || typeof r.started !== 'string') return false;
  if (!r.config || typeof r.config !== 'object' || Array.isArray(r.config)) return false;
  if (!isCount(r.step) || !isCount(r.epoch)) return false;
  if (r.final === undefined || !isFigures(r.final, ['trainScore', 'valScore', 'trainLoss', 'valLoss'])) return false;
  if (r.best === undefined || !isFigures(r.best, ['epoch', 'valScore', 'valLoss'])) return false;
  // Runs kept before the arithmetic was recorded have none.
  if (r.arithmetic !== undefined && r.arithmetic !== null && r.arithmetic !== 'fused' && r.arithmetic !== 'separate') return false;
  const c = r.curves;
  if (!c || typeof c !== 'object') return false;
  const n = Array.isArray(c.epoch) ? c.epoch.length : -1;
  return n >= 0 && n <= 10 * CURVE_POINTS && COLUMNS.every((k) => Array.isArray(c[k]) && c[k].length === n && c[k].every(isFigure));
}

export class SavedRuns {
  /** `storage` is a localStorage-like object (null: nothing is kept, and `problem` says so). */
  constructor(storage = defaultStorage()) {
    this.storage = storage;
    /** Why saving is off, or null. */
    this.problem = storage ? null : 'This browser does not let the page keep data: runs are not saved.';
    /** How many stored runs were unreadable and dropped on load. */
    this.dropped = 0;
    this.runs = this.read();
    if (this.dropped > 0) {
      this.problem = `${this.dropped} kept run${this.dropped === 1 ? ' was' : 's were'} unreadable (damaged or from another version) and ${this.dropped === 1 ? 'was' : 'were'} dropped.`;
      this.write();
    }
  }

  read() {
    if (!this.storage) return [];
    try {
      const parsed = JSON.parse(this.storage.getItem(RUNS_KEY) ?? '[]');
      if (!Array.isArray(parsed)) {
        this.dropped = 1;
        return [];
      }
      // Kept before the score slots were named for what they hold (accuracy or R²).
      const good = parsed.map((r) => renameKeys(r, { trainAcc: 'trainScore', valAcc: 'valScore' })).filter(isRun);
      this.dropped = parsed.length - good.length;
      return good.slice(0, MAX_RUNS);
    } catch {
      this.dropped = 1;
      return [];
    }
  }

  /** Writes the runs; when storage is full, drops the oldest until they fit. */
  write() {
    if (!this.storage) return false;
    for (;;) {
      try {
        this.storage.setItem(RUNS_KEY, JSON.stringify(this.runs));
        return true;
      } catch {
        if (this.runs.length <= 1) {
          this.problem = 'The browser storage is full: this run is not saved.';
          return false;
        }
        this.runs.pop();
      }
    }
  }

  /** Adds a run or replaces the one with the same id (it moves to the front). */
  save(run) {
    this.runs = [run, ...this.runs.filter((r) => r.id !== run.id)].slice(0, MAX_RUNS);
    return this.write();
  }

  /** Forgets every run (the "Clear history" button); the config in force stays. */
  clear() {
    this.runs = [];
    if (this.storage) {
      try {
        this.storage.removeItem(RUNS_KEY);
      } catch {
        // Nothing more can be done; the list in memory is empty anyway.
      }
    }
  }

  /** Keeps the config in force (as its URL hash, without '#'). */
  saveConfig(hash) {
    try {
      this.storage?.setItem(CONFIG_KEY, hash);
    } catch {
      // A full storage keeps the previous config; the URL hash still holds the current one.
    }
  }

  /** The config last in force (a URL hash without '#'), or null. */
  loadConfig() {
    try {
      const h = this.storage?.getItem(CONFIG_KEY);
      return typeof h === 'string' ? h : null;
    } catch {
      return null;
    }
  }
}

/**
 * A run as it is saved: `history` the page's curve columns, `report` the newest snapshot
 * ({step, epoch, best_epoch}), `status` 'training', 'paused', 'diverged', 'stopped' or 'crashed'.
 */
export function runRecord({ id, started, config, hash, history, report, status, augmented = false, arithmetic = null }) {
  const n = history.epoch.length;
  let best = null;
  for (let i = 0; i < n; i++) if (best === null || history.valLoss[i] < history.valLoss[best]) best = i;
  return {
    id,
    started,
    updated: new Date().toISOString(),
    config,
    hash,
    status,
    /** Whether the core counted any training augmentation on (see `augmentation_active`). */
    augmented: Boolean(augmented),
    /** The arithmetic of the wasm build that trained it: 'fused' or 'separate' (null: unknown). */
    arithmetic: arithmetic === 'fused' || arithmetic === 'separate' ? arithmetic : null,
    step: report?.step ?? 0,
    epoch: report?.epoch ?? 0,
    final: n > 0 ? { trainScore: history.trainScore[n - 1], valScore: history.valScore[n - 1], trainLoss: history.trainLoss[n - 1], valLoss: history.valLoss[n - 1] } : null,
    best: best === null ? null : { epoch: history.epoch[best], valScore: history.valScore[best], valLoss: history.valLoss[best] },
    curves: thinColumns(history),
  };
}
