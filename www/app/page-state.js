// Owns the main thread's state: the config the controls show and the one training, the newest
// snapshot and what of it still needs drawing, the curves of the current run, and the lines of the
// message area. Every module reads and writes it through the one object `createPageState` makes.

import { CurveHistory } from '../training/curve-history.js';

export function createPageState() {
  return {
    /** The core's schema (www/schema.js) and the field descriptions built from it; null until ready. */
    schema: null,
    fields: null,
    defaults: null,
    /** The config the controls show; it may hold a value the worker rejected. */
    config: null,
    /** The last config the worker accepted: what is training now. */
    applied: null,
    /** The hash this page wrote last, so its own writes are not read back as user edits. */
    writtenHash: null,
    playing: false,
    run: -1,
    /** 'regions' (2D data), 'images' or 'signals' (mnist1d), following what the worker trains, not the controls. */
    view: 'regions',
    /** Which tab of the middle panel shows: 'main' (regions or images), 'layers', 'lab' or 'runs'. */
    tab: 'main',
    /** The evaluations of the current run (thinned evenly once it grows long), as columns for the charts. */
    history: new CurveHistory(),
    /** The newest snapshot not yet drawn, and which views it changed. */
    latest: null,
    dirty: { figures: false, curves: false, boundary: false, grid: false, confusion: false, weights: false, preview: false, signals: false, layers: false, network: false, best: false },
    /** The best epoch of the current run (early stopping's restore point), or null. */
    bestEpoch: null,
    /** The number of classes of the data training now (0 until the first snapshot). */
    classes: 0,
    /** Notes about the link (unknown keys, unreadable values) stay until the next edit. */
    linkNotes: [],
    /** Where the config being applied leniently came from, for its notes ('the link', a file name). */
    configSource: 'the link',
    /** The config the worker rejected last, until a config is accepted. */
    configError: null,
    /** Why training stopped by itself (divergence, early stopping), until the next run. */
    runNote: null,
    /** A passing note (link copied, best epoch restored) until the next edit. */
    notice: null,
    /** The image index the augmentation preview shows. */
    previewIndex: 0,
    /** The number of classes of the user's loaded images (null until some are loaded). */
    userClasses: null,
    /** The training worker failed ({message, fatal}) and a restart is offered; null otherwise. */
    fault: null,
    /** A restart is under way (between the click and the new worker's ready message). */
    restarting: false,
    /** The arithmetic of the training worker's wasm build: 'fused' | 'separate' (null until ready). */
    arithmetic: null,
  };
}

/** Clears the notes that an edit makes stale (link notes, the last error, a passing notice). */
export function clearNotes(state) {
  state.linkNotes = [];
  state.configError = null;
  state.notice = null;
}
