// Owns the Lecture path's progress as this browser keeps it (localStorage, one versioned key):
// whether the path is open, the step the student is at, and per step the prediction made, the
// outcome the core named and whether they agree. Every field is checked on load against the
// path's steps; a store that is not JSON, not this version or not the right shape is dropped
// with a notice (never a crash), and entries of steps the path no longer has are dropped too.
// The checks are pure functions (tests/unit/lecture-path.test.mjs); `ProgressStore` adds storage.

/** Where this browser keeps the path's progress. */
export const PROGRESS_KEY = 'overfit.lecture.v1';
export const PROGRESS_VERSION = 1;

/** The ids a step's prediction may take: its choices or its sketch shapes. */
export function predictionIds(step) {
  const list = step?.predict?.kind === 'sketch' ? step.predict.shapes : step?.predict?.choices;
  return Array.isArray(list) ? list.map((c) => c.id) : [];
}

/** A fresh progress: the path open at the first step, nothing answered. */
export function emptyProgress(steps) {
  return { version: PROGRESS_VERSION, open: true, current: steps[0]?.id ?? null, results: {} };
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads a stored progress (`text`: the stored string or null) against the path's `steps`.
 * Returns {progress, stored, problem}: `stored` is false when there was nothing kept, `problem`
 * a sentence naming what was dropped (null when everything was kept).
 */
export function parseProgress(text, steps) {
  const fresh = emptyProgress(steps);
  if (text === null || text === undefined) return { progress: fresh, stored: false, problem: null };
  let raw;
  try {
    raw = JSON.parse(text);
  } catch {
    return { progress: fresh, stored: false, problem: 'The kept lecture progress could not be read (it is not JSON) and was dropped; the path starts again.' };
  }
  const drop = (why) => ({ progress: fresh, stored: false, problem: `The kept lecture progress was dropped (${why}); the path starts again.` });
  if (!isObject(raw)) return drop('it is not an object');
  if (raw.version !== PROGRESS_VERSION) return drop(`version ${JSON.stringify(raw.version)} is not ${PROGRESS_VERSION}`);
  if (typeof raw.open !== 'boolean') return drop('"open" is not true or false');
  const byId = new Map(steps.map((s) => [s.id, s]));
  if (typeof raw.current !== 'string' || !byId.has(raw.current)) return drop('"current" names no step of the path');
  if (!isObject(raw.results)) return drop('"results" is not an object');
  const results = {};
  const dropped = [];
  for (const [id, r] of Object.entries(raw.results)) {
    const step = byId.get(id);
    const ids = predictionIds(step);
    const ok = step && isObject(r)
      && (r.prediction === 'skipped' || ids.includes(r.prediction))
      && ids.includes(r.outcome)
      && typeof r.right === 'boolean'
      && r.right === (r.prediction === r.outcome);
    if (ok) results[id] = { prediction: r.prediction, outcome: r.outcome, right: r.right };
    else dropped.push(id);
  }
  const problem = dropped.length
    ? `Dropped the kept result of ${dropped.length === 1 ? 'step' : 'steps'} ${dropped.slice(0, 5).map((d) => `"${String(d).slice(0, 40)}"`).join(', ')}${dropped.length > 5 ? ' …' : ''}: not a result of this path.`
    : null;
  return { progress: { version: PROGRESS_VERSION, open: raw.open, current: raw.current, results }, stored: true, problem };
}

/** A step's result: the prediction ('skipped' or an id), the core's outcome, and whether they agree. */
export function resultOf(prediction, outcome) {
  return { prediction, outcome, right: prediction === outcome };
}

/** The progress in this browser's localStorage (storage that is off only loses persistence). */
export class ProgressStore {
  constructor(steps, storage = globalThis.localStorage) {
    this.steps = steps;
    this.storage = storage;
    let text = null;
    try {
      text = storage?.getItem(PROGRESS_KEY) ?? null;
    } catch {
      // Storage is off: the progress lasts as long as the page.
    }
    const { progress, stored, problem } = parseProgress(text, steps);
    this.progress = progress;
    /** Whether a progress was kept before this page opened. */
    this.stored = stored;
    /** What loading dropped, in words (null: nothing). */
    this.problem = problem;
    if (problem) this.save();
  }

  save() {
    try {
      this.storage?.setItem(PROGRESS_KEY, JSON.stringify(this.progress));
    } catch {
      // Full or off: the progress still holds for this page.
    }
  }

  setCurrent(id) {
    this.progress.current = id;
    this.save();
  }

  setOpen(open) {
    this.progress.open = open;
    this.save();
  }

  record(id, prediction, outcome) {
    this.progress.results[id] = resultOf(prediction, outcome);
    this.save();
  }

  result(id) {
    return this.progress.results[id] ?? null;
  }

  /** Forgets every result and goes back to the first step. */
  clear() {
    this.progress = emptyProgress(this.steps);
    this.save();
  }
}
