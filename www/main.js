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
  /** Every evaluation of the current run, as columns for the charts. */
  history: emptyHistory(),
  /** The newest snapshot not yet drawn, and what it changed. */
  latest: null,
  dirty: { figures: false, curves: false, boundary: false, grid: false, confusion: false, weights: false, preview: false },
  framePending: false,
  /** Notes about the link (unknown keys, unreadable values) stay until the next edit. */
  linkNotes: [],
  /** The config the worker rejected last, until a config is accepted. */
  configError: null,
  /** Why training stopped by itself (divergence, early stopping), until the next run. */
  runNote: null,
  /** The image index the augmentation preview shows. */
  previewIndex: 0,
  /** The number of classes of the user's loaded images (null until some are loaded). */
  userClasses: null,
};

let controls = null;
const curves = new Curves(byId('loss-chart'), byId('acc-chart'));
const boundary = new Boundary(byId('boundary'), byId('boundary-legend'));
const grid = new ImageGrid(byId('val-grid'), $('grid-note'));
const confusion = new ConfusionMatrix(byId('confusion'), $('confusion-note'));
const weights = new WeightTiles(byId('weights'), $('weights-note'));
const preview = new AugmentPreview(byId('aug-preview'), $('preview-note'));

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event) => onWorkerMessage(event.data);
worker.onerror = (event) => {
  event.preventDefault();
  state.configError = `The training worker failed: ${event.message || 'it could not be loaded'}.`;
  renderMessage();
};

const userImages = new UserImages(
  { folderInput: byId('user-folder'), filesInput: byId('user-files'), status: byId('user-status'), classList: byId('user-classes') },
  {
    settings: () => ({ size: state.config?.image_size ?? 16, color: Boolean(state.config?.color) }),
    onData: sendUserData,
  },
);

function emptyHistory() {
  return { epoch: [], trainLoss: [], valLoss: [], trainAcc: [], valAcc: [], members: [], lastMembers: [] };
}

function appendEvals(evals) {
  const h = state.history;
  for (const e of evals) {
    h.epoch.push(e.epoch);
    h.trainLoss.push(e.train_loss);
    h.valLoss.push(e.val_loss);
    h.trainAcc.push(100 * e.train_acc);
    h.valAcc.push(100 * e.val_acc);
    // One column per ensemble member; a single model has none.
    const m = e.members_val_acc ?? [];
    while (h.members.length < m.length) h.members.push(new Array(h.epoch.length - 1).fill(null));
    h.members.forEach((col, j) => col.push(j < m.length ? 100 * m[j] : null));
    h.lastMembers = m.map((a) => 100 * a);
  }
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
  worker.postMessage({ type: 'config', config: clone(config), lenient });
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
  worker.postMessage(
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
  renderMessage();
  // A plain marker for scripts and tests: how many configs the worker has accepted so far.
  document.body.dataset.applied = String(Number(document.body.dataset.applied || 0) + 1);
  document.body.dataset.result = result;
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
  // A plain marker for scripts and tests: the worker's run number (it grows on rebuild and reset).
  document.body.dataset.run = String(msg.run);
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
  ui.regionsView.hidden = images;
  ui.imagesView.hidden = !images;
  ui.viewTitle.textContent = images ? 'Images' : 'Decision regions';
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

function frame() {
  state.framePending = false;
  const d = state.dirty;
  if (d.figures) renderFigures();
  if (d.curves) curves.update(state.history);
  if (state.view === 'regions') {
    if (d.boundary) boundary.draw();
  } else {
    if (d.grid) grid.draw();
    if (d.confusion) confusion.draw();
    if (d.weights) weights.draw();
    if (d.preview) preview.draw();
  }
  state.dirty = { figures: false, curves: false, boundary: false, grid: false, confusion: false, weights: false, preview: false };
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
  if (state.configError) lines.push({ text: state.configError, kind: 'error' });
  if (state.runNote) lines.push({ text: state.runNote, kind: state.runNote.startsWith('Early') ? 'note' : 'error' });
  for (const note of state.linkNotes) lines.push({ text: note, kind: 'note' });
  ui.message.replaceChildren(
    ...lines.map(({ text, kind }) => {
      const p = document.createElement('p');
      p.className = kind;
      p.textContent = text;
      return p;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Buttons, the URL hash and the colour scheme.

ui.play.addEventListener('click', () => worker.postMessage({ type: 'play' }));
ui.pause.addEventListener('click', () => worker.postMessage({ type: 'pause' }));
ui.step.addEventListener('click', () => worker.postMessage({ type: 'step' }));
ui.reset.addEventListener('click', () => worker.postMessage({ type: 'reset' }));
ui.previewNext.addEventListener('click', () => {
  state.previewIndex += 1;
  worker.postMessage({ type: 'preview', index: state.previewIndex });
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
