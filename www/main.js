// Owns the page bootstrap: starts the training worker, keeps the config in sync with the controls
// and the URL hash, collects the worker's snapshots and draws the newest one on each animation frame.

import { buildControls } from './controls.js';
import { clone, fieldsFor, parseHash, serializeHash, tidyConfig } from './state.js';
import { Curves } from './plots/curves.js';
import { Boundary } from './plots/boundary.js';

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

const ui = {
  form: document.getElementById('controls'),
  play: document.getElementById('play'),
  pause: document.getElementById('pause'),
  step: document.getElementById('step'),
  reset: document.getElementById('reset'),
  message: $('message'),
  epoch: $('epoch'),
  stepCount: $('step'),
  stepsPerSec: $('steps-per-sec'),
  trainLoss: $('train-loss'),
  valLoss: $('val-loss'),
  trainAcc: $('train-acc'),
  valAcc: $('val-acc'),
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
  /** Every evaluation of the current run, as columns for the charts. */
  history: emptyHistory(),
  /** The newest snapshot not yet drawn, and what it changed. */
  latest: null,
  dirty: { figures: false, curves: false, boundary: false },
  framePending: false,
  /** Notes about the link (unknown keys, unreadable values) stay until the next edit. */
  linkNotes: [],
  /** The config the worker rejected last, until a config is accepted. */
  configError: null,
  /** Why training stopped by itself (divergence, early stopping), until the next run. */
  runNote: null,
};

let controls = null;
const curves = new Curves(document.getElementById('loss-chart'), document.getElementById('acc-chart'));
const boundary = new Boundary(document.getElementById('boundary'), document.getElementById('boundary-legend'));

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event) => onWorkerMessage(event.data);
worker.onerror = (event) => {
  event.preventDefault();
  state.configError = `The training worker failed: ${event.message || 'it could not be loaded'}.`;
  renderMessage();
};

function emptyHistory() {
  return { epoch: [], trainLoss: [], valLoss: [], trainAcc: [], valAcc: [] };
}

function appendEvals(evals) {
  const h = state.history;
  for (const e of evals) {
    h.epoch.push(e.epoch);
    h.trainLoss.push(e.train_loss);
    h.valLoss.push(e.val_loss);
    h.trainAcc.push(100 * e.train_acc);
    h.valAcc.push(100 * e.val_acc);
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

function onControlChange(key, value) {
  // Old notes and errors go; if the config still holds a rejected value, the worker says so again.
  state.linkNotes = [];
  state.configError = null;
  controls.markInvalid(null);
  renderMessage();
  setConfig({ ...state.config, [key]: value });
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
  if (msg.points) boundary.setPoints(msg.points, msg.extent, msg.classes);
  if (msg.grid) {
    boundary.setGrid(msg.grid, msg.gridRes, msg.gridClasses);
    state.dirty.boundary = true;
  }
  if (msg.points) state.dirty.boundary = true;
  const runNote = msg.diverged
    ? `Training diverged at step ${msg.diverged_at_step ?? msg.step} (the loss is not finite); the last good weights are kept. Lower the learning rate and press Reset.`
    : msg.stopped
      ? 'Early stopping ended training: the validation loss stopped improving.'
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
  if (state.dirty.figures) renderFigures();
  if (state.dirty.curves) curves.update(state.history);
  if (state.dirty.boundary) boundary.draw();
  state.dirty = { figures: false, curves: false, boundary: false };
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
  ui.play.setAttribute('aria-pressed', String(state.playing));
  document.body.dataset.playing = String(state.playing);
}

/** Shows the current config error (if any) and the link notes in the message area. */
function renderMessage() {
  const lines = [];
  if (state.configError) lines.push({ text: state.configError, kind: 'error' });
  if (state.runNote) lines.push({ text: state.runNote, kind: 'error' });
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
ui.form.addEventListener('submit', (event) => event.preventDefault());

window.addEventListener('hashchange', () => {
  if (state.defaults && location.hash !== state.writtenHash) loadHash();
  renderMessage();
});

matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  curves.restyle();
  curves.update(state.history);
  boundary.restyle();
});
