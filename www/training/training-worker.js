// Owns the wasm Session: applies configs, runs training in ~25 ms chunks and posts snapshots.
//
// Messages in:  {type:'config', config, lenient?}, {type:'play'}, {type:'pause'},
//               {type:'step', unit?} (to the end of the epoch; unit 'batch': one mini-batch),
//               {type:'speed', epochsPerSec} (a speed limit; null: Max),
//               {type:'views', network} (the Network tab shows: add its unit maps to snapshots),
//               {type:'reset'}, {type:'preview', index} (another image for the augmentation
//               preview), {type:'user-data', pixels, labels, size, channels, names, config},
//               {type:'init-lab', id, config}, {type:'restore-best'}, {type:'export-pytorch', id, config};
//               {type:'pace', epoch} (while playing, hold at that epoch, null: no limit; the
//               A/B comparison keeps each run beside the other with it);
//               {type:'ping', id} (answered by {type:'pong', id} once every earlier message is handled);
//               the Lecture path's questions to the core: {type:'lecture-side', id} (this run's
//               figures now, wasm Session.lecture_side), {type:'lecture-outcome', id, rule, figures}
//               (wasm lecture_outcome: which choice happened), {type:'lecture-shape', id, values}
//               (wasm lecture_shape: the shape of a sketch or curve), {type:'lecture-sweep', id,
//               values, records, metric} (wasm lecture_sweep_figures: a sweep's medians) and
//               {type:'lecture-lab', id, report} (wasm lecture_lab_figures: the init lab's
//               layers), each answered with the same type and id and {answer} or {error};
//               for the reliability tests only: {type:'debug-panic', message} (a panic inside
//               wasm) and {type:'debug-hang', ms} (a worker busy for ms milliseconds).
// Messages out: {type:'ready', defaults, schema, arithmetic} (the core's config schema,
//               src/schema.rs; arithmetic: 'fused' or 'separate', the build www/wasm-loader.js chose),
//               {type:'applied', result, config, problems: [{field, message}], lenient, facts}
//               (facts: the core's {data_key, weights_key, augmented} of the config),
//               {type:'snapshot', ...} (typed-array buffers transferred), {type:'error', message, field},
//               {type:'fatal', message} (a panic or unexpected exception: this worker is done and
//               the page replaces it, see training-worker.js),
//               {type:'init-lab', id, result | error, ms}, {type:'restored', epoch},
//               {type:'pytorch', id, text | error}.
// While playing, a snapshot carries the per-layer statistics of the probe batch (`layers` and the
// flat `layerCounts` histogram buffer) at least ten times a second; the init lab runs between two
// training chunks, so training simply pauses while it runs.
// A snapshot carries, once per run, either the 2D points or the image info with the first
// validation images; then, at most a few times per second (adapted to their cost), either the
// decision grid or the image views (predictions of the shown images, confusion matrix, first-layer
// weights); and the augmentation preview whenever the config or the previewed image changed.
// There is exactly one training loop: `schedule()` queues at most one chunk at a time, and each
// chunk re-checks `playing`, so Play twice never starts a second loop and Pause takes effect
// before the next chunk. Chunks are separated by a MessageChannel task, so messages from the
// main thread are handled between chunks.

import { loadWasm } from '../wasm-loader.js';
import { Pace } from './pace.js';
import { LECTURE_QUESTIONS, lectureAnswer } from './lecture-answers.js';
import { GRID_IMAGES, imageViews, layerStats, networkMaps, owned, readEval, readReport } from './snapshot-parts.js';

/** The chosen build's exports (www/wasm-loader.js), set once it has loaded. */
let wasm = null;
let Session = null;
let default_config = null;
/** 'fused' or 'separate': the arithmetic of the loaded build. */
let arithmetic = null;

/** Largest and smallest resolution of the decision-region grid (cells per side). */
const GRID_RES_MAX = 80;
const GRID_RES_MIN = 12;
/** Time budget of one decision grid; big networks get a coarser grid so the worker stays responsive. */
const GRID_BUDGET_MS = 30;
/** Augmented versions beside the original in the augmentation preview. */
const PREVIEW_COUNT = 8;
/** Signals per class in the Data tab's view of signal data (mnist1d). */
const SIGNALS_PER_CLASS = 6;
/** The image views are recomputed while playing at most this often, in milliseconds. */
const VIEWS_MIN_INTERVAL_MS = 300;
/** The per-layer statistics are recomputed while playing at most this often, in milliseconds. */
const STATS_MIN_INTERVAL_MS = 40;
/** The Network tab's unit maps are recomputed while playing at most this often, in milliseconds. */
const NETWORK_MIN_INTERVAL_MS = 150;

let session = null;
/** The last config the Session accepted. */
let config = null;
let playing = false;
let scheduled = false;
/** Incremented on every rebuild or reset, so the main thread knows when to clear its curves. */
let run = 0;
/** The run whose static data (points, extent and class count, or the image info with the first validation images) was sent. */
let staticSentForRun = -1;
/** How the Data tab draws the run's data: 'classes', 'surface', 'curve' or 'signals' (see views::plot_mode). */
let plotMode = 'classes';
/** The decision grid (or the image views) is recomputed while playing at most this often (adapted to its cost). */
let gridDueAt = 0;
/** For image data: the core's image_info() of the current run; null for 2D data. */
let image = null;
/** The augmentation preview is recomputed when this is set (new run, new config, another image). */
let previewDirty = true;
let previewIndex = 0;
/** When the per-layer statistics are due again while playing (adapted to their cost). */
let statsDueAt = 0;
/** Whether the page shows the Network tab (it asks for the unit maps), and when they are due. */
let networkWanted = false;
let networkDueAt = 0;
/** The newest training report, kept for snapshots that do not train (pause, config). */
let last = { step: 0, epoch: 0, epochFloat: 0, stepsPerEpoch: 0, batchLoss: NaN, diverged: false, stopped: false };
/** Measured cost of the network's forward pass per multiply-add, in nanoseconds (a first guess). */
let nsPerMac = 0.5;
/** Throughput, measured over windows of at least a quarter of a second. */
const rate = { t: 0, step: 0, value: 0 };

/** The pace: chunk size, speed limit and the comparison's hold (pace.js). */
const pace = new Pace();

function restartClock() {
  pace.restart(last, performance.now());
}

const tick = new MessageChannel();
tick.port1.onmessage = () => {
  scheduled = false;
  if (!playing || !session) return;
  const next = chunk();
  // A held worker queues no further chunk; the next 'pace' message schedules one. Under a speed
  // limit the worker sleeps (a timer, no busy loop) until the next step is due.
  if (next === 'now') schedule();
  else if (typeof next === 'number') schedule(next);
};

function schedule(delayMs = 0) {
  if (playing && !scheduled) {
    scheduled = true;
    if (delayMs > 0) setTimeout(() => tick.port1.onmessage(), delayMs);
    else tick.port2.postMessage(null);
  }
}

function errorMessage(e) {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs one chunk of training and posts its snapshot. Returns what comes next: 'now' (another
 * chunk), a number of milliseconds to sleep (the speed limit), or false (held by the comparison's
 * pacing, or training ended or paused at its stop epoch).
 */
function chunk() {
  const next = pace.next(last, performance.now());
  if (next.hold) return false;
  if (next.waitMs !== undefined) return next.waitMs;
  const { steps } = next;
  const t0 = performance.now();
  let report;
  try {
    report = readReport(session.run(steps));
  } catch (e) {
    crash(e);
    return false;
  }
  const ms = performance.now() - t0;
  pace.observe(steps, ms);
  // A diverged run (weights restored to the last good ones), early stopping or the stop epoch
  // ends playing.
  if (report.diverged || report.stopped || report.atStopEpoch) playing = false;
  // Under a speed limit every chunk is small, and the views follow it so the picture moves with
  // the curves.
  postSnapshot(report, { views: !playing || pace.speed !== null || performance.now() >= gridDueAt });
  return playing ? 'now' : false;
}

/**
 * The Step button: one epoch (to the end of the current one), or with `batch` one mini-batch.
 * The curves and figures follow at once.
 */
function stepOnce(batch) {
  playing = false;
  try {
    // A fresh report (no step): the epoch length may have changed with the batch size since the
    // last chunk.
    const now = readReport(session.run(0));
    const spe = now.stepsPerEpoch > 0 ? now.stepsPerEpoch : 1;
    const intoEpoch = Math.round((now.epochFloat - now.epoch) * spe);
    const steps = batch ? 1 : Math.max(1, spe - intoEpoch);
    postSnapshot(readReport(session.run(steps)), { views: true });
  } catch (e) {
    crash(e);
  }
}

/**
 * Posts a snapshot of the newest report: once per run the static data, with `views` the heavy
 * views (the decision grid for 2D data, the image views for image data), and the per-layer
 * statistics and the augmentation preview when they are due.
 */
function postSnapshot(report, { views }) {
  const { evals = [], ...rest } = report ?? {};
  if (report) last = rest;
  const now = performance.now();
  if (!playing) {
    rate.value = 0;
  } else if (now - rate.t >= 250) {
    rate.value = rate.t > 0 ? ((last.step - rate.step) * 1000) / (now - rate.t) : 0;
    rate.t = now;
    rate.step = last.step;
  }
  const msg = { type: 'snapshot', run, playing, stepsPerSec: rate.value, stepsPerChunk: pace.stepsPerChunk, wasmBytes: wasmMemory?.buffer.byteLength ?? 0, ...last, evals };
  const transfer = [];
  try {
    if (staticSentForRun !== run) {
      msg.classes = session.classes();
      msg.history = Array.from(session.history(), readEval);
      const info = session.image_info();
      image = info ? { width: info.width, height: info.height, channels: info.channels, class_names: Array.from(info.class_names), train: info.train, val: info.val } : null;
      if (image) {
        msg.image = image;
        msg.valLabels = session.val_labels().slice(0, GRID_IMAGES);
        msg.valImages = owned(session.val_images(GRID_IMAGES));
        transfer.push(msg.valLabels.buffer, msg.valImages.buffer);
        previewDirty = true;
      } else {
        msg.plotMode = plotMode = session.plot_mode();
        if (plotMode === 'signals') {
          msg.signals = owned(session.signal_samples(SIGNALS_PER_CLASS));
          msg.signalLen = session.signal_len();
          msg.classNames = Array.from(session.class_names());
          transfer.push(msg.signals.buffer);
        } else {
          msg.points = owned(session.points());
          msg.extent = owned(session.extent());
          transfer.push(msg.points.buffer, msg.extent.buffer);
        }
      }
      staticSentForRun = run;
    }
    if (views && image) {
      const v0 = performance.now();
      imageViews(session, msg, transfer);
      const ms = performance.now() - v0;
      // Keep the views under ~10 % of the worker's time, and at most about three per second.
      gridDueAt = performance.now() + Math.max(VIEWS_MIN_INTERVAL_MS, 10 * ms);
    } else if (views && plotMode !== 'signals') {
      // (Signals have no plane: their view is the static sample sent once per run.)
      const macs = Math.max(1, session.forward_macs());
      const side = Math.max(GRID_RES_MIN, Math.min(GRID_RES_MAX, Math.floor(Math.sqrt((GRID_BUDGET_MS * 1e6) / (nsPerMac * macs)))));
      // A 1D fit costs res points, not res²: the same budget draws the curve at full resolution.
      const res = plotMode === 'curve' ? Math.min(GRID_RES_MAX, side * side) : side;
      const g0 = performance.now();
      msg.grid = owned(session.decision_grid(res));
      const ms = performance.now() - g0;
      msg.gridRes = res;
      msg.gridClasses = session.classes();
      transfer.push(msg.grid.buffer);
      // Small grids are dominated by fixed costs, so only grids of some size update the estimate.
      if (ms > 2) nsPerMac = (ms * 1e6) / ((plotMode === 'curve' ? res : res * res) * macs);
      // Keep the grid under ~7 % of the worker's time, and at most about seven per second.
      gridDueAt = performance.now() + Math.max(150, 14 * ms);
    }
    if (!playing || performance.now() >= statsDueAt) {
      const s0 = performance.now();
      layerStats(session, msg, transfer);
      // Keep the statistics under ~10 % of the worker's time, and about 16 per second at most.
      statsDueAt = performance.now() + Math.max(STATS_MIN_INTERVAL_MS, 10 * (performance.now() - s0));
    }
    if (networkWanted && !image && plotMode !== 'signals' && (!playing || performance.now() >= networkDueAt)) {
      const n0 = performance.now();
      networkMaps(session, msg, transfer);
      // Keep the maps under ~10 % of the worker's time, and about six per second at most.
      networkDueAt = performance.now() + Math.max(NETWORK_MIN_INTERVAL_MS, 10 * (performance.now() - n0));
    }
    if (image && previewDirty) {
      msg.preview = owned(session.augment_preview(previewIndex, PREVIEW_COUNT));
      msg.previewActive = session.augmentation_active();
      transfer.push(msg.preview.buffer);
      previewDirty = false;
    }
  } catch (e) {
    crash(e);
    return;
  }
  self.postMessage(msg, transfer);
}

/** Runs the init lab for a config (its lab_* fields and seed) and posts the result. */
function initLab(msg) {
  const t0 = performance.now();
  try {
    const result = wasm.init_lab(msg.config);
    self.postMessage({ type: 'init-lab', id: msg.id, result, ms: performance.now() - t0 });
  } catch (e) {
    // A trap (a bug, or memory the core could not get) leaves the instance unusable: crash.
    if (isTrap(e)) crash(e);
    else self.postMessage({ type: 'init-lab', id: msg.id, error: errorMessage(e), ms: performance.now() - t0 });
  }
}

/** Answers one of the Lecture path's questions (lecture-answers.js) with the core's figures. */
function answerLecture(msg) {
  const reply = { type: msg.type, id: msg.id };
  try {
    reply.answer = lectureAnswer(msg, wasm, session);
  } catch (e) {
    if (isTrap(e)) {
      crash(e);
      return;
    }
    reply.error = errorMessage(e);
  }
  self.postMessage(reply);
}

/** Marks the start of a new run (rebuild or reset): the step counter is back to 0. */
function newRun() {
  run += 1;
  last = { step: 0, epoch: 0, epochFloat: 0, stepsPerEpoch: last.stepsPerEpoch, batchLoss: NaN, diverged: false, stopped: false };
  rate.t = performance.now();
  rate.step = 0;
  restartClock();
}

/**
 * Whether an exception from a wasm call is a trap (a panic, or an allocation the core could not
 * get), after which the instance may hold half-updated state and must never be used again, as
 * opposed to an ordinary error the core returned (a refused config).
 */
function isTrap(e) {
  return e instanceof WebAssembly.RuntimeError;
}

/** Set once this worker has reported a fatal error; it then ignores every message. */
let dead = false;

/**
 * A wasm trap (a panic inside the core) or an unexpected exception: training stops and the page
 * is told; it terminates this worker and offers a restart with the same config, since a trapped
 * instance may hold half-updated state. For a panic the message is the core's own (message and
 * source location, kept by the panic hook), not the trap's bare "unreachable".
 */
function crash(e) {
  if (dead) return;
  dead = true;
  playing = false;
  let detail = errorMessage(e);
  if (e instanceof WebAssembly.RuntimeError) {
    let panic = null;
    try {
      panic = wasm.last_panic();
    } catch {
      // The instance may not even answer that.
    }
    detail = panic ? `the core panicked: ${panic.replace(/\s+/g, ' ').trim()}` : `the core trapped (${detail})`;
  }
  self.postMessage({ type: 'fatal', message: `Training stopped because ${detail}.` });
}

self.addEventListener('error', (event) => {
  event.preventDefault();
  crash(event.error ?? new Error(event.message));
});
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  crash(event.reason);
});

/**
 * Applies a config from the page. With `lenient` (a config read from a link), fields the core
 * rejects are first replaced by their defaults through `repair_config`, and the problems are
 * reported back with the repaired config instead of rejecting the whole link. With `fresh` (new
 * user images), the run restarts even when the config itself did not change.
 */
function applyConfig(next, lenient = false, fresh = false, editId = null) {
  let problems = [];
  if (lenient && typeof wasm.repair_config === 'function') {
    try {
      const repaired = wasm.repair_config(next);
      next = repaired.config;
      problems = Array.from(repaired.problems ?? [], (p) => ({ field: p.field, message: p.message }));
    } catch (e) {
      postError(e);
      return;
    }
    // A link cannot carry the user's images: without images loaded in this page, "user" falls
    // back to the default dataset, so the controls, the hash and the training agree.
    if (next.dataset === 'user' && !session?.has_user_data()) {
      problems.push({ field: 'dataset', message: 'your own images are not loaded in this page (a link or file cannot carry them); load them with "Choose folder" or "Choose files"' });
      try {
        // Other fields may depend on the dataset (its number of classes): repaired again.
        const again = wasm.repair_config({ ...next, dataset: default_config().dataset });
        next = again.config;
        problems.push(...Array.from(again.problems ?? [], (p) => ({ field: p.field, message: p.message })));
      } catch (e) {
        postError(e);
        return;
      }
    }
  }
  if (!session) {
    try {
      session = new Session(next);
    } catch (e) {
      postError(e);
      return;
    }
    config = next;
    newRun();
    self.postMessage({ type: 'applied', result: 'rebuilt', config, problems, lenient, editId, facts: wasm.config_facts(config) });
    postSnapshot(null, { views: true });
    return;
  }
  let result;
  try {
    result = session.set_config(next);
  } catch (e) {
    // The Session keeps its old, valid config and keeps training with it.
    postError(e);
    return;
  }
  config = next;
  // New user images replace the data even when the config stays the same: reset rebuilds the
  // trainer from the current config and the images the Session now holds.
  if (fresh && result !== 'rebuilt') {
    try {
      session.reset();
    } catch (e) {
      postError(e);
      return;
    }
    result = 'rebuilt';
  }
  if (result === 'rebuilt') newRun();
  // A new network or batch size may cost far more per step: ramp the chunk size up again
  // (x4 per chunk) rather than risk one chunk that blocks the worker for seconds.
  if (result !== 'unchanged') {
    pace.stepsPerChunk = 1;
    // Augmentation settings may have changed: the preview follows them at once.
    previewDirty = true;
  }
  self.postMessage({ type: 'applied', result, config, problems, lenient, editId, facts: wasm.config_facts(config) });
  if (result === 'rebuilt' || !playing) postSnapshot(null, { views: result === 'rebuilt' || (image !== null && result === 'updated') });
  else if (previewDirty && image) postSnapshot(null, { views: false });
}

/**
 * Gives the Session the user's decoded images, then applies the config that goes with them
 * (dataset "user", classes, image_size and color matching the images). check_user_data refuses a
 * set by its count, size, channels, classes and byte budget before the pixels are copied into
 * wasm memory; set_user_data checks the pixels and labels too before it keeps anything
 * ("images: ..." errors) and does not rebuild; applying the config (or a reset, when the config
 * is unchanged) does.
 */
function setUserData(msg) {
  try {
    if (!session) session = new Session(default_config());
    session.check_user_data(msg.labels.length, msg.size, msg.channels, msg.names.length);
    session.set_user_data(msg.pixels, msg.labels, msg.size, msg.channels, msg.names);
  } catch (e) {
    if (isTrap(e)) crash(e);
    else self.postMessage({ type: 'error', field: null, message: `Your images were not used: ${errorMessage(e)}` });
    return;
  }
  applyConfig(msg.config, false, true);
}

/**
 * Posts a config the core refused: the core's errors are JS Errors that carry the field they name
 * (`field`, see src/wasm.rs), so the page can mark that control.
 */
function postError(e) {
  if (isTrap(e)) {
    crash(e);
    return;
  }
  self.postMessage({ type: 'error', field: typeof e?.field === 'string' ? e.field : null, message: errorMessage(e) });
}

/** Messages that arrive before the wasm module is ready wait here. */
let pending = [];

self.onmessage = (event) => {
  if (pending) pending.push(event.data);
  else handle(event.data);
};

function handle(msg) {
  if (dead) return;
  if (LECTURE_QUESTIONS.has(msg?.type)) {
    answerLecture(msg);
    return;
  }
  switch (msg?.type) {
    case 'config': {
      // An edit of one control (`edited`: its field) brings what the core says it brings
      // (Config::follow_edit); a config that does not parse is left for applyConfig to report.
      let next = msg.config;
      if (msg.edited) {
        try {
          next = wasm.follow_edit(next, msg.edited);
        } catch {
          // applyConfig names the bad field.
        }
      }
      applyConfig(next, Boolean(msg.lenient), false, msg.editId ?? null);
      break;
    }
    case 'play':
      if (!session) return;
      if (!playing) {
        playing = true;
        rate.t = performance.now();
        rate.step = last.step;
        restartClock();
      }
      schedule();
      break;
    case 'views':
      // The page shows (or hides) the Network tab: its maps follow the training, or stop.
      networkWanted = Boolean(msg.network);
      if (networkWanted && session) postSnapshot(null, { views: false });
      break;
    case 'speed':
      pace.setSpeed(msg.epochsPerSec, last, performance.now());
      schedule();
      break;
    case 'pause':
      playing = false;
      if (session) postSnapshot(null, { views: true });
      break;
    case 'step':
      if (session) stepOnce(msg.unit === 'batch');
      break;
    case 'preview':
      previewIndex = Number(msg.index) >>> 0;
      previewDirty = true;
      if (session && image) postSnapshot(null, { views: false });
      break;
    case 'user-data':
      setUserData(msg);
      break;
    case 'init-lab':
      initLab(msg);
      break;
    case 'fresh-seed':
      // "Regenerate data": the core's one use of the OS entropy source.
      self.postMessage({ type: 'fresh-seed', seed: wasm.Session.fresh_seed() });
      break;
    case 'restore-best': {
      if (!session) return;
      const epoch = session.restore_best();
      playing = false;
      self.postMessage({ type: 'restored', epoch: epoch ?? null });
      postSnapshot(null, { views: true });
      break;
    }
    case 'export-pytorch':
      try {
        self.postMessage({ type: 'pytorch', id: msg.id, text: wasm.export_pytorch(msg.config) });
      } catch (e) {
        if (isTrap(e)) crash(e);
        else self.postMessage({ type: 'pytorch', id: msg.id, error: errorMessage(e) });
      }
      break;
    case 'reset':
      if (session) {
        try {
          session.reset();
        } catch (e) {
          crash(e);
          return;
        }
      } else if (config) {
        applyConfig(config);
        return;
      } else return;
      newRun();
      postSnapshot(null, { views: true });
      break;
    case 'pace':
      pace.setHold(msg.epoch, last, performance.now());
      schedule();
      break;
    case 'ping':
      // Messages are handled in order: the answer means every earlier message has been handled.
      self.postMessage({ type: 'pong', id: msg.id });
      break;
    case 'debug-panic':
      try {
        wasm.debug_panic(String(msg.message ?? 'debug panic'));
      } catch (e) {
        crash(e);
      }
      break;
    case 'debug-hang': {
      const until = performance.now() + Number(msg.ms || 0);
      while (performance.now() < until) {
        // Busy on purpose: the page's watchdog must notice.
      }
      postSnapshot(null, { views: false });
      break;
    }
    default:
      self.postMessage({ type: 'error', field: null, message: `Unknown message type: ${String(msg?.type)}` });
  }
}

/** The wasm instance's linear memory (its size goes into every snapshot, for the soak test). */
let wasmMemory = null;

try {
  const loaded = await loadWasm();
  ({ wasm, arithmetic, memory: wasmMemory } = loaded);
  ({ Session, default_config } = wasm);
  wasm.install_panic_hook();
  const defaults = default_config();
  session = new Session(defaults);
  config = defaults;
  self.postMessage({ type: 'ready', defaults, schema: wasm.schema(), arithmetic });
  postSnapshot(null, { views: true });
} catch (e) {
  self.postMessage({ type: 'error', field: null, message: `Could not start the wasm core: ${errorMessage(e)}` });
}
for (const msg of pending) handle(msg);
pending = null;
