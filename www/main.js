// Owns the page bootstrap: starts the training worker, keeps the config in sync with the controls
// and the URL hash, hands the user's decoded images to the worker, collects the worker's snapshots
// and draws the newest one on each animation frame (decision regions for 2D data, image views for
// image data).

import { buildControls } from './controls.js';
import { clone, fieldsFor, normalizeOverrides, parseHash, serializeHash, tidyConfig } from './state.js';
import { Curves } from './plots/curves.js';
import { Boundary } from './plots/boundary.js';
import { ImageGrid } from './plots/image-grid.js';
import { ConfusionMatrix } from './plots/confusion.js';
import { WeightTiles } from './plots/weights.js';
import { AugmentPreview } from './plots/augment-preview.js';
import { UserImages } from './user-images.js';
import presets from '../presets/lecture.json';
import { LayersView } from './plots/layers.js';
import { InitLab } from './plots/init-lab.js';
import { downloadBlob, downloadText, historyCsv } from './share.js';
import { CurveHistory } from './curve-history.js';
import { TrainingWorker } from './training-worker.js';
import { SavedRuns, runRecord } from './saved-runs.js';
import { RunsView } from './runs-view.js';
import { Compare } from './compare.js';

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const byId = (id) => document.getElementById(id);

const ui = {
  form: byId('controls'),
  play: byId('play'),
  pause: byId('pause'),
  step: byId('step'),
  reset: byId('reset'),
  message: $('message'),
  epoch: $('epoch'),
  stepCount: $('step'),
  stepsPerSec: $('steps-per-sec'),
  trainLoss: $('train-loss'),
  valLoss: $('val-loss'),
  trainAcc: $('train-acc'),
  valAcc: $('val-acc'),
  members: $('members'),
  viewTitle: byId('view-title'),
  regionsView: byId('regions-view'),
  imagesView: byId('images-view'),
  previewNext: byId('preview-next'),
  userImages: byId('user-images'),
};

const state = {
  defaults: null,
  /** The config the controls show; it may hold a value the worker rejected. */
  config: null,
  /** The last config the worker accepted: what is training now. */
  applied: null,
  /** The hash this page wrote last, so its own writes are not read back as user edits. */
  writtenHash: null,
  playing: false,
  run: -1,
  /** 'regions' (2D data) or 'images', following what the worker trains, not the controls. */
  view: 'regions',
  /** The evaluations of the current run (thinned evenly once it grows long), as columns for the charts. */
  history: emptyHistory(),
  /** The newest snapshot not yet drawn, and what it changed. */
  latest: null,
  dirty: { figures: false, curves: false, boundary: false, grid: false, confusion: false, weights: false, preview: false, layers: false },
  framePending: false,
  /** Notes about the link (unknown keys, unreadable values) stay until the next edit. */
  linkNotes: [],
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
};

let controls = null;
const curves = new Curves(byId('loss-chart'), byId('acc-chart'));
const boundary = new Boundary(byId('boundary'), byId('boundary-legend'));
const grid = new ImageGrid(byId('val-grid'), $('grid-note'));
const confusion = new ConfusionMatrix(byId('confusion'), $('confusion-note'));
const weights = new WeightTiles(byId('weights'), $('weights-note'));
const preview = new AugmentPreview(byId('aug-preview'), $('preview-note'));

// The training worker; if it fails (a panic inside wasm, an uncaught error) or goes silent, the
// page says so and offers a restart that keeps the config (see training-worker.js).
const worker = new TrainingWorker({
  onMessage: (msg) => {
    onExtraMessage(msg);
    onWorkerMessage(msg);
  },
  onFault: ({ message, fatal }) => {
    if (fatal) flushRun('crashed');
    state.fault = { message, fatal };
    if (fatal) {
      state.playing = false;
      document.body.dataset.playing = 'false';
      ui.play.setAttribute('aria-pressed', 'false');
    }
    document.body.dataset.fault = fatal ? 'fatal' : 'silent';
    renderMessage();
  },
  onRecover: () => {
    state.fault = null;
    delete document.body.dataset.fault;
    renderMessage();
  },
});

// For the reliability tests (tests/e2e/reliability.test.mjs): a message straight to the worker,
// e.g. {type: 'debug-panic'}. Nothing in the page uses it.
const pongs = new Map();
let pingId = 0;
window.overfitDebug = {
  post: (msg) => worker.post(msg),
  /** Resolves once the worker has handled every message sent before this call. */
  sync: () => new Promise((resolve) => {
    pingId += 1;
    pongs.set(pingId, resolve);
    worker.post({ type: 'ping', id: pingId });
  }),
  /** The first `n` epochs of the current run's curves and of compare A's (validation loss). */
  /** How many epochs the page's curves hold now (bounded, see curve-history.js). */
  sizes: () => ({ curveEpochs: state.history.length, layerEntries: layersView.history.length, savedRuns: saved.runs.length }),
  curves: (n = 5) => ({ b: state.history.valLoss.slice(0, n), a: compare.history.valLoss.slice(0, n), epochsA: compare.history.length, epochsB: state.history.length }),
};

/**
 * Replaces the training worker by a fresh one and gives it the config in force (and the user's
 * images, decoded again from the kept files). The curves of the failed run stay on screen until
 * the new run's first snapshot.
 */
function restartWorker() {
  state.fault = null;
  delete document.body.dataset.fault;
  state.restarting = true;
  renderMessage();
  worker.restart();
  document.body.dataset.restarts = String(Number(document.body.dataset.restarts || 0) + 1);
}

const userImages = new UserImages(
  { folderInput: byId('user-folder'), filesInput: byId('user-files'), status: byId('user-status'), classList: byId('user-classes') },
  {
    settings: () => ({ size: state.config?.image_size ?? 16, color: Boolean(state.config?.color) }),
    onData: sendUserData,
  },
);

function emptyHistory() {
  return new CurveHistory();
}

function appendEvals(evals) {
  for (const e of evals) state.history.push(e);
}

// ---------------------------------------------------------------------------------------------
// Messages from the worker.

function onWorkerMessage(msg) {
  switch (msg.type) {
    case 'ready':
      onReady(tidyConfig(msg.defaults));
      break;
    case 'applied':
      onApplied(msg, tidyConfig(msg.config));
      break;
    case 'snapshot':
      onSnapshot(msg);
      break;
    case 'error':
      onError(msg);
      break;
    default:
      break;
  }
}

function onReady(defaults) {
  if (controls) {
    // A restarted worker: it gets the config in force, leniently (it was valid before).
    state.restarting = false;
    const config = state.applied ?? state.config ?? defaults;
    if (config.dataset === 'user' && userImages.ready) {
      state.config = config;
      controls.set(config);
      userImages.resend();
    } else setConfig(config, true);
    return;
  }
  state.defaults = defaults;
  controls = buildControls(ui.form, fieldsFor(defaults), defaults, {
    onChange: onControlChange,
    onInvalid: (key, message) => {
      state.configError = message;
      renderMessage();
    },
    describedBy: 'message',
    slots: { dataset: { element: ui.userImages, showWhen: (c) => c.dataset === 'user' } },
  });
  restoreSaved();
  loadHash();
  for (const b of [ui.play, ui.pause, ui.step, ui.reset]) b.disabled = false;
  document.body.dataset.ready = 'true';
}

/** Reads the URL hash into the controls and sends the config to the worker. */
function loadHash() {
  const { config, unknown, problems } = parseHash(location.hash, state.defaults);
  state.linkNotes = [
    ...unknown.map((k) => `Ignored unknown setting "${k}" in the link.`),
    ...problems.map((p) => `Ignored a value in the link: ${p}.`),
  ];
  renderMessage();
  setConfig(config, true);
}

/** Shows a config in the controls and sends it to the worker (leniently for links). */
function setConfig(config, lenient = false) {
  state.config = config;
  controls.set(config);
  worker.post({ type: 'config', config: clone(config), lenient });
}

/**
 * Applies an edited config. For the user's images, the config must match the loaded images
 * (classes, image_size, color): a new size or colour decodes the kept files again and sends them
 * with the config; otherwise classes follows the loaded set.
 */
async function applyEdit(config) {
  if (config.dataset === 'user' && userImages.ready) {
    state.config = config;
    controls.set(config);
    if (await userImages.refresh(config.image_size, Boolean(config.color))) return;
    if (state.userClasses) config = { ...config, classes: state.userClasses };
  }
  setConfig(config);
}

function onControlChange(key, value) {
  // Old notes and errors go; if the config still holds a rejected value, the worker says so again.
  state.linkNotes = [];
  state.configError = null;
  state.notice = null;
  controls.markInvalid(null);
  renderMessage();
  const next = { ...state.config, [key]: value };
  // Overrides of hidden layers that no longer exist would be rejected by the core: drop them.
  if (key === 'hidden') next.layer_overrides = normalizeOverrides(next.layer_overrides, value.length);
  applyEdit(next);
}

/** Hands newly decoded user images to the worker together with the config that matches them. */
function sendUserData(data) {
  state.userClasses = data.names.length;
  state.linkNotes = [];
  state.configError = null;
  renderMessage();
  const config = { ...state.config, dataset: 'user', classes: data.names.length, image_size: data.size, color: data.channels === 3 };
  state.config = config;
  controls.set(config);
  worker.post(
    { type: 'user-data', pixels: data.pixels, labels: data.labels, size: data.size, channels: data.channels, names: data.names, config: clone(config) },
    [data.pixels.buffer, data.labels.buffer],
  );
}

function onApplied({ result, problems = [], lenient }, config) {
  state.applied = config;
  if (lenient) {
    // A link's config may have been repaired by the core: show what is really training.
    state.config = config;
    controls.set(config);
    state.linkNotes = [
      ...state.linkNotes,
      ...problems.map((p) => `Ignored a value in the link: ${p}; using the default.`),
    ];
  }
  state.configError = null;
  controls.markInvalid(null);
  const hash = `#${serializeHash(config, state.defaults)}`;
  if (hash !== location.hash) {
    history.replaceState(null, '', hash);
  }
  state.writtenHash = hash;
  saved.saveConfig(hash.slice(1));
  renderMessage();
  // A plain marker for scripts and tests: how many configs the worker has accepted so far.
  document.body.dataset.applied = String(Number(document.body.dataset.applied || 0) + 1);
  document.body.dataset.result = result;
  // In a comparison the controls edit B; any change to B restarts both runs from step 0, so the
  // two curves always compare the two configs from the same start.
  if (compare.active && result !== 'unchanged') {
    if (result === 'updated') worker.post({ type: 'reset' });
    compare.setB(config, true);
  }
}

function onError(msg) {
  if (msg.field && controls?.has(msg.field)) controls.markInvalid(msg.field);
  state.configError = state.applied && msg.field
    ? `${msg.message}. Still training with the previous setting.`
    : msg.message;
  renderMessage();
}

function onSnapshot(msg) {
  if (msg.history) {
    state.history = emptyHistory();
    appendEvals(msg.history);
  } else {
    if (msg.run !== state.run) state.history = emptyHistory();
    appendEvals(msg.evals);
  }
  if (msg.run !== state.run || msg.history || msg.evals.length > 0) state.dirty.curves = true;
  state.run = msg.run;
  compare.noteB(msg);
  // A plain marker for scripts and tests: the worker's run number (it grows on rebuild and reset).
  document.body.dataset.run = String(msg.run);
  // And the step count of the newest snapshot, before any drawing is throttled, and the size of
  // the worker's wasm memory.
  document.body.dataset.step = String(msg.step);
  document.body.dataset.wasmBytes = String(msg.wasmBytes ?? 0);
  if (msg.points) {
    boundary.setPoints(msg.points, msg.extent, msg.classes);
    setView('regions');
    state.dirty.boundary = true;
  }
  if (msg.grid) {
    boundary.setGrid(msg.grid, msg.gridRes, msg.gridClasses);
    state.dirty.boundary = true;
  }
  if (msg.image) {
    const shape = msg.image;
    grid.setImages(shape, shape.class_names, msg.valImages, msg.valLabels);
    confusion.setClasses(shape.class_names);
    weights.setShape(shape);
    preview.setShape(shape);
    document.body.dataset.valCount = String(shape.val);
    setView('images', shape);
    Object.assign(state.dirty, { grid: true, confusion: true, weights: true, preview: true });
  }
  if (msg.valProbs) {
    grid.setPredictions(msg.valProbs);
    confusion.setMatrix(msg.confusion);
    weights.setWeights(msg.weights, msg.weightUnits, msg.weightTotal, msg.weightsOutput);
    Object.assign(state.dirty, { grid: true, confusion: true, weights: true });
  }
  if (msg.preview) {
    preview.setPreview(msg.preview, msg.previewActive);
    state.dirty.preview = true;
  }
  const runNote = msg.diverged
    ? `Training diverged at step ${msg.diverged_at_step ?? msg.step} (the loss is not finite); the last good weights are kept. Lower the learning rate and press Reset.`
    : msg.stopped
      ? `Early stopping restored epoch ${msg.best_epoch ?? '?'}, the one with the lowest validation loss: it did not improve for ${state.applied?.patience ?? 'the set number of'} epochs. Press Reset to train again.`
      : null;
  if (runNote !== state.runNote) {
    state.runNote = runNote;
    renderMessage();
  }
  state.playing = msg.playing;
  state.latest = msg;
  state.dirty.figures = true;
  requestFrame();
}

/** Switches the middle panel between decision regions (2D data) and the image views. */
function setView(view, shape = null) {
  if (shape) {
    const { width, height, channels, train, val } = shape;
    ui.imagesView.dataset.shape = `${width}x${height}x${channels}`;
    ui.imagesView.title = `${width}×${height} ${channels === 3 ? 'colour' : 'grey'} images: ${train} for training, ${val} for validation.`;
  }
  if (state.view === view) return;
  state.view = view;
  const images = view === 'images';
  ui.regionsView.hidden = images || tab !== 'main';
  ui.imagesView.hidden = !images || tab !== 'main';
  if (tab === 'main') ui.viewTitle.textContent = images ? 'Images' : 'Decision regions';
  document.body.dataset.view = view;
}

// ---------------------------------------------------------------------------------------------
// Drawing: at most once per animation frame, from the newest snapshot only.

function requestFrame() {
  if (!state.framePending) {
    state.framePending = true;
    requestAnimationFrame(frame);
  }
}

// Each kind of drawing has a minimum interval: a spiral epoch can end 150 times a second, and
// redrawing the charts (axes, text) that often kept the main thread busy with long tasks.
const MIN_INTERVAL_MS = { figures: 100, curves: 250, boundary: 100, grid: 250, confusion: 250, weights: 250, preview: 0, layers: 50, lab: 0 };
const lastDrawn = {};
let retryTimer = null;

/** Whether `kind` may draw now; records the time when it may. */
function due(kind, now) {
  if (now - (lastDrawn[kind] ?? -Infinity) < MIN_INTERVAL_MS[kind]) return false;
  lastDrawn[kind] = now;
  return true;
}

/** Which heavy view drew last, so that they take turns. */
let turn = 0;

function frame(now) {
  state.framePending = false;
  const d = state.dirty;
  const drawn = (kind) => {
    if (!d[kind] || !due(kind, now)) return false;
    d[kind] = false;
    return true;
  };
  if (drawn('figures')) renderFigures();
  if (bestDirty) {
    bestDirty = false;
    renderBest();
  }
  // The heavy views (charts, canvases, the layer rows) draw at most one per frame, taking turns:
  // drawing all of them in one frame made that frame a long task (layout and paint included).
  // Views on a hidden tab do not draw; their flags stay set for when the tab shows.
  const heavy = [['curves', () => {
    curves.update(state.history);
    compare.render(state.history);
  }]];
  if (tab === 'main' && state.view === 'regions') heavy.push(['boundary', () => boundary.draw()]);
  if (tab === 'main' && state.view === 'images') {
    heavy.push(['grid', () => grid.draw()], ['confusion', () => confusion.draw()], ['weights', () => weights.draw()], ['preview', () => preview.draw()]);
  }
  if (tab === 'layers') {
    d.layers = d.layers || layersView.dirty;
    heavy.push(['layers', () => layersView.draw()]);
  }
  for (let i = 0; i < heavy.length; i++) {
    const j = (turn + i) % heavy.length;
    if (drawn(heavy[j][0])) {
      heavy[j][1]();
      turn = j + 1;
      break;
    }
  }
  if (tab === 'lab') initLab.draw();
  // Whatever was throttled or waits for its turn draws a little later, even if no new snapshot
  // arrives.
  const waiting = heavy.some(([kind]) => d[kind]) || d.figures;
  if (waiting && retryTimer === null) {
    retryTimer = setTimeout(() => {
      retryTimer = null;
      requestFrame();
    }, heavy.some(([kind]) => d[kind] && now - (lastDrawn[kind] ?? -Infinity) >= MIN_INTERVAL_MS[kind]) ? 0 : 60);
  }
}

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function formatLoss(v) {
  if (!Number.isFinite(v)) return String(v);
  return v !== 0 && Math.abs(v) < 0.001 ? v.toExponential(2) : v.toFixed(4);
}

function formatAcc(v) {
  return Number.isFinite(v) ? `${v.toFixed(1)} %` : '–';
}

function setFigure(el, text, value) {
  if (el.textContent !== text) el.textContent = text;
  el.dataset.value = String(value);
}

function renderFigures() {
  const s = state.latest;
  if (!s) return;
  setFigure(ui.epoch, intFormat.format(s.epoch), s.epoch);
  setFigure(ui.stepCount, intFormat.format(s.step), s.step);
  setFigure(ui.stepsPerSec, intFormat.format(s.stepsPerSec), s.stepsPerSec);
  const h = state.history;
  const n = h.epoch.length;
  if (n > 0) {
    setFigure(ui.trainLoss, formatLoss(h.trainLoss[n - 1]), h.trainLoss[n - 1]);
    setFigure(ui.valLoss, formatLoss(h.valLoss[n - 1]), h.valLoss[n - 1]);
    setFigure(ui.trainAcc, formatAcc(h.trainAcc[n - 1]), h.trainAcc[n - 1]);
    setFigure(ui.valAcc, formatAcc(h.valAcc[n - 1]), h.valAcc[n - 1]);
  } else {
    for (const el of [ui.trainLoss, ui.valLoss, ui.trainAcc, ui.valAcc]) setFigure(el, '–', '');
  }
  // The ensemble's members, each on its own bootstrap sample, next to the averaged prediction.
  if (n > 0 && h.lastMembers.length > 0) {
    const text = `Members (validation): ${h.lastMembers.map(formatAcc).join(', ')} · ensemble ${formatAcc(h.valAcc[n - 1])}`;
    if (ui.members.textContent !== text) ui.members.textContent = text;
    ui.members.dataset.count = String(h.lastMembers.length);
    ui.members.hidden = false;
  } else {
    ui.members.hidden = true;
    ui.members.dataset.count = '0';
  }
  ui.play.setAttribute('aria-pressed', String(state.playing));
  document.body.dataset.playing = String(state.playing);
}

/** Shows the current config error (if any) and the link notes in the message area. */
function renderMessage() {
  const lines = [];
  if (state.fault) lines.push({ text: state.fault.message, kind: 'error', restart: true });
  if (state.restarting) lines.push({ text: 'Restarting the training worker…', kind: 'note' });
  if (state.configError) lines.push({ text: state.configError, kind: 'error' });
  if (state.runNote) lines.push({ text: state.runNote, kind: state.runNote.startsWith('Early') ? 'note' : 'error' });
  if (state.notice) lines.push({ text: state.notice, kind: 'note' });
  for (const note of state.linkNotes) lines.push({ text: note, kind: 'note' });
  ui.message.replaceChildren(
    ...lines.map(({ text, kind, restart }) => {
      const p = document.createElement('p');
      p.className = kind;
      p.textContent = text;
      if (restart) {
        // The config is kept: the new worker starts from the settings in force.
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'small primary';
        b.dataset.testid = 'restart-worker';
        b.textContent = 'Restart training';
        b.title = 'Start a fresh training worker with the same settings.';
        b.addEventListener('click', restartWorker);
        p.append(' ', b);
      }
      return p;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Buttons, the URL hash and the colour scheme.

ui.play.addEventListener('click', () => command('play'));
ui.pause.addEventListener('click', () => command('pause'));
ui.step.addEventListener('click', () => command('step'));
ui.reset.addEventListener('click', () => command('reset'));
ui.previewNext.addEventListener('click', () => {
  state.previewIndex += 1;
  worker.post({ type: 'preview', index: state.previewIndex });
});
ui.form.addEventListener('submit', (event) => event.preventDefault());

window.addEventListener('hashchange', () => {
  if (state.defaults && location.hash !== state.writtenHash) loadHash();
  renderMessage();
});

matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  curves.restyle();
  curves.update(state.history);
  boundary.restyle();
  for (const view of [grid, confusion, weights, preview]) {
    view.restyle();
    view.draw();
  }
});

// ---------------------------------------------------------------------------------------------
// The inspection views (live layer histograms, init lab), early stopping's best epoch, lecture
// demos, sharing and export, and keyboard shortcuts.


const layersView = new LayersView(byId('layer-rows'), byId('layers-epoch'), byId('layers-epoch-label'), byId('layers-note'));
// Moving the slider while paused brings no new snapshot, so it asks for a frame itself.
byId('layers-epoch').addEventListener('input', () => requestFrame());
let labRequest = 0;
const initLab = new InitLab(
  {
    init: byId('lab-init'), activation: byId('lab-activation'), depth: byId('lab-depth'), width: byId('lab-width'),
    run: byId('lab-run'), quick: [...document.querySelectorAll('.lab-quick button')], busy: byId('lab-busy'),
    summary: byId('lab-summary'), chart: byId('lab-chart'), rows: byId('lab-rows'),
  },
  (settings) => {
    if (!state.config) return;
    // The lab settings are config fields, so the link keeps them; the worker runs the lab between
    // two training chunks (training waits meanwhile).
    const config = { ...state.config, ...settings };
    applyEdit(config);
    labRequest += 1;
    initLab.setBusy(true);
    worker.post({ type: 'init-lab', id: labRequest, config: clone(config) });
  },
);

/** Which tab of the middle panel shows: 'main' (regions or images), 'layers' or 'lab'. */
let tab = 'main';
const tabs = [...document.querySelectorAll('.tabs [role="tab"]')];

function showTab(next) {
  tab = next;
  for (const t of tabs) t.setAttribute('aria-selected', String(t.dataset.tab === next));
  byId('layers-view').hidden = next !== 'layers';
  byId('lab-view').hidden = next !== 'lab';
  byId('runs-view').hidden = next !== 'runs';
  if (next === 'runs') renderRuns();
  const main = next === 'main';
  ui.regionsView.hidden = !main || state.view !== 'regions';
  ui.imagesView.hidden = !main || state.view !== 'images';
  document.body.dataset.tab = next;
  ui.viewTitle.textContent = next === 'layers' ? 'Layers' : next === 'lab' ? 'Init lab' : next === 'runs' ? 'Recent runs' : state.view === 'images' ? 'Images' : 'Decision regions';
  if (next === 'lab' && state.config) {
    initLab.setSettings(state.config);
    if (!initLab.result) initLab.request();
  }
  layersView.dirty = true;
  initLab.dirty = Boolean(initLab.result);
  Object.assign(state.dirty, { boundary: true, grid: true, confusion: true, weights: true, preview: true, curves: true });
  requestFrame();
}

for (const t of tabs) t.addEventListener('click', () => showTab(t.dataset.tab));


let bestEpoch = null;
let bestDirty = false;

function renderBest() {
  const el = $('best-epoch');
  el.textContent = bestEpoch === null ? 'Best epoch –' : `Best epoch ${bestEpoch}`;
  el.dataset.value = bestEpoch === null ? '' : String(bestEpoch);
  byId('restore-best').disabled = bestEpoch === null;
  curves.setMarker(bestEpoch);
}

/** Extra handling of worker messages for the views added here (called before the base handler). */
function onExtraMessage(msg) {
  if (msg.type === 'pong') {
    pongs.get(msg.id)?.();
    pongs.delete(msg.id);
    return;
  }
  if (msg.type === 'snapshot') keepRun(msg);
  if (msg.type === 'snapshot') {
    if (msg.run !== state.run) layersView.clear();
    if (msg.layers) layersView.push(msg.epoch, msg.step, msg.layers, msg.layerBins, msg.layerCounts);
    const best = msg.best_epoch ?? null;
    if (best !== bestEpoch || msg.run !== state.run) {
      bestEpoch = best;
      bestDirty = true;
    }
  } else if (msg.type === 'init-lab') {
    if (msg.id !== labRequest) return;
    if (msg.error) initLab.setError(msg.error);
    else initLab.setResult(msg.result, msg.ms);
    requestFrame();
  } else if (msg.type === 'restored') {
    state.notice = msg.epoch === null
      ? 'There is no best epoch yet: train at least one epoch first.'
      : `Restored the weights of epoch ${msg.epoch}, the one with the lowest validation loss. Training is paused.`;
    document.body.dataset.restored = String(msg.epoch);
    renderMessage();
  } else if (msg.type === 'pytorch') {
    if (msg.error) {
      state.configError = `Export as PyTorch failed: ${msg.error}`;
      renderMessage();
    } else downloadText(msg.text, 'overfit_run.py', 'text/x-python');
  }
}

byId('restore-best').addEventListener('click', () => worker.post({ type: 'restore-best' }));

// ---- Lecture demos ----

const presetSelect = byId('preset');
const presetText = byId('preset-explanation');
for (const p of presets) {
  const option = new Option(p.title, p.id);
  option.title = p.explanation;
  presetSelect.append(option);
}

/** Loads a lecture demo: its config over the defaults, its explanation shown, training started. */
function loadPreset(id) {
  const p = presets.find((x) => x.id === id);
  if (!p || !state.defaults) return;
  state.linkNotes = [];
  state.configError = null;
  state.notice = null;
  presetText.textContent = `${p.title}: ${p.explanation}`;
  presetText.hidden = false;
  presetText.dataset.preset = p.id;
  const config = { ...clone(state.defaults), ...clone(p.config) };
  setConfig(config);
  command('play');
  renderMessage();
}

presetSelect.addEventListener('change', () => loadPreset(presetSelect.value));

// ---- Sharing and export ----

byId('copy-link').addEventListener('click', async () => {
  const link = location.href;
  try {
    await navigator.clipboard.writeText(link);
    state.notice = 'The link to this config is on the clipboard.';
  } catch {
    state.notice = `Copy this link: ${link}`;
  }
  renderMessage();
});

byId('export-config').addEventListener('click', () => {
  if (state.applied) downloadText(`${JSON.stringify(state.applied, null, 2)}\n`, 'overfit-config.json', 'application/json');
});

byId('import-config').addEventListener('change', async (event) => {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (!file || !state.defaults) return;
  let parsed;
  try {
    parsed = JSON.parse(await file.text());
  } catch (e) {
    state.configError = `${file.name} is not valid JSON: ${e.message}`;
    renderMessage();
    return;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    state.configError = `${file.name} does not hold a config object.`;
    renderMessage();
    return;
  }
  // Unknown keys are noted and dropped; bad values are repaired by the core (lenient).
  const known = Object.fromEntries(Object.entries(parsed).filter(([k]) => Object.hasOwn(state.defaults, k)));
  state.linkNotes = Object.keys(parsed).filter((k) => !Object.hasOwn(state.defaults, k)).map((k) => `Ignored unknown setting "${k}" in ${file.name}.`);
  state.configError = null;
  renderMessage();
  setConfig({ ...clone(state.defaults), ...known }, true);
});

byId('export-csv').addEventListener('click', () => downloadText(historyCsv(state.history), 'overfit-curves.csv', 'text/csv'));

byId('export-pytorch').addEventListener('click', () => {
  if (state.applied) worker.post({ type: 'export-pytorch', id: 1, config: clone(state.applied) });
});

for (const b of document.querySelectorAll('button.png')) {
  b.addEventListener('click', () => {
    const canvas = b.closest('figure').querySelector('canvas');
    canvas?.toBlob((blob) => blob && downloadBlob(blob, `overfit-${b.dataset.chart}.png`), 'image/png');
  });
}

// ---- Keyboard shortcuts and the help overlay ----

const help = byId('help');
function toggleHelp(show = help.hidden) {
  help.hidden = !show;
  if (show) byId('help-close').focus();
}
byId('help-button').addEventListener('click', () => toggleHelp(true));
byId('help-close').addEventListener('click', () => toggleHelp(false));
help.addEventListener('click', (event) => {
  if (event.target === help) toggleHelp(false);
});

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const t = event.target;
  // Typing in a control never triggers a shortcut.
  if (t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))) return;
  if (event.key === 'Escape' && !help.hidden) {
    toggleHelp(false);
    return;
  }
  if (event.key === '?') {
    event.preventDefault();
    toggleHelp();
    return;
  }
  if (!state.defaults || !help.hidden) return;
  if (event.key === ' ' && !(t instanceof HTMLButtonElement)) {
    event.preventDefault();
    command(state.playing ? 'pause' : 'play');
  } else if (event.key === 's' || event.key === 'S') {
    command('step');
  } else if (event.key === 'r' || event.key === 'R') {
    command('reset');
  }
});

// ---- Work is not lost: the config in force and the recent runs are kept in this browser ----

const saved = new SavedRuns();
/** The run being kept: its id, start time, the worker generation and run number it belongs to. */
const kept = { id: null, started: null, generation: -1, run: -1, dirty: false, status: 'paused', report: null };
/** The saved run whose curves are drawn over the current ones, or null. */
let shownRun = null;

const runsView = new RunsView(
  { list: byId('runs-list'), note: byId('runs-note'), clear: byId('clear-history') },
  {
    onShow: (run) => showSavedRun(shownRun?.id === run.id ? null : run),
    onUse: (run) => {
      state.linkNotes = [];
      state.configError = null;
      state.notice = `Using the settings of the run from ${new Date(run.started).toLocaleString()}.`;
      renderMessage();
      const { config } = parseHash(`#${run.hash}`, state.defaults);
      setConfig(config, true);
    },
    onClear: () => {
      saved.clear();
      showSavedRun(null);
      // The run in progress is forgotten too; it is kept again if it trains on.
      kept.dirty = false;
      renderRuns();
    },
  },
);

function renderRuns() {
  runsView.render(saved.runs, shownRun?.id ?? null, saved.problem);
  document.body.dataset.savedRuns = String(saved.runs.length);
}

/** Draws a saved run's curves (grey) over the current ones; null removes them. */
function showSavedRun(run) {
  shownRun = run;
  if (!compareActive()) curves.setOverlay(run ? { label: 'saved', kind: 'saved', history: run.curves, mainLabel: '' } : null);
  state.dirty.curves = true;
  requestFrame();
  if (tab === 'runs') renderRuns();
}

/**
 * On a page opened without a link, the settings last used in this browser come back, and the
 * newest kept run (if it had these settings) is drawn in grey over the new run's curves.
 */
function restoreSaved() {
  if (location.hash.length > 1) return;
  const hash = saved.loadConfig();
  if (!hash) return;
  history.replaceState(null, '', `#${hash}`);
  const last = saved.runs[0];
  state.notice = last && last.hash === hash
    ? 'Restored your last settings; your last run is drawn in grey (see the Runs tab).'
    : 'Restored the settings you last used in this browser.';
  if (last && last.hash === hash) showSavedRun(last);
}

/** Follows the worker's snapshots: a new run starts a new kept entry, the old one is saved. */
function keepRun(msg) {
  if (msg.run !== kept.run || worker.generation !== kept.generation) {
    flushRun();
    Object.assign(kept, { id: `${Date.now().toString(36)}-${worker.generation}-${msg.run}`, started: new Date().toISOString(), generation: worker.generation, run: msg.run, dirty: false });
  }
  if (msg.evals.length > 0 || msg.history) kept.dirty = true;
  kept.status = msg.diverged ? 'diverged' : msg.stopped ? 'stopped' : msg.playing ? 'training' : 'paused';
  kept.report = msg;
}

/** Saves the kept run if it changed and has at least one finished epoch. */
function flushRun(status = null) {
  if (!kept.id || !kept.dirty || state.history.length === 0 || !state.applied) return;
  if (status) kept.status = status;
  kept.dirty = false;
  saved.save(runRecord({
    id: kept.id, started: kept.started, config: state.applied, hash: serializeHash(state.applied, state.defaults),
    history: state.history, report: kept.report, status: kept.status,
  }));
  if (tab === 'runs') renderRuns();
  document.body.dataset.savedRuns = String(saved.runs.length);
}

// Saved every two seconds while it changes, and when the page goes away.
setInterval(() => flushRun(), 2000);
addEventListener('pagehide', () => flushRun());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') flushRun();
});

// ---- A/B comparison: config A pinned in a second worker, B in the controls ----

/** Sends a training command (play, pause, step, reset) to the worker, and to A's when comparing. */
function command(type) {
  worker.post({ type });
  compare.post({ type });
}

const compare = new Compare(
  { root: byId('compare-panel'), diff: byId('compare-diff'), same: byId('compare-same'), figures: byId('compare-figures'), stop: byId('compare-stop') },
  {
    onChange: () => {
      state.dirty.curves = true;
      requestFrame();
    },
    postB: (msg) => worker.post(msg),
    onStop: () => {
      byId('compare-start').setAttribute('aria-pressed', 'false');
      showSavedRun(shownRun);
    },
  },
);

function compareActive() {
  return compare.active;
}

byId('compare-start').addEventListener('click', async () => {
  if (!state.applied) return;
  if (compare.active) {
    compare.stop();
    return;
  }
  let userData = null;
  if (state.applied.dataset === 'user') {
    // The main worker's decoded images were transferred to it: A gets a copy decoded again from
    // the same files at the same settings, so both runs train on the same pixels.
    const applied = state.applied;
    state.notice = 'Decoding your images again for run A…';
    renderMessage();
    userData = await userImages.decodeAgain();
    if (!userData || state.applied !== applied || compare.active) {
      state.notice = userData ? null : 'Could not decode your images again for run A; Compare A/B did not start.';
      renderMessage();
      return;
    }
  }
  // A is the config training now; both runs restart from step 0 together.
  compare.start(state.applied, state.playing, userData);
  worker.post({ type: 'reset' });
  byId('compare-start').setAttribute('aria-pressed', 'true');
  curves.setOverlay({ label: 'A', kind: 'compare', mainLabel: 'B', get history() { return compare.history; } });
  state.notice = 'Comparing: A is pinned and trains in its own worker; the settings you change now are B.';
  renderMessage();
  state.dirty.curves = true;
  requestFrame();
});
