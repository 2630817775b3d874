// Owns the config's way through the page: the controls built from the core's schema when the
// worker is ready, a link (URL hash) or an imported file read into a config, edits from the
// controls, the user's images with the config that matches them, and what the worker answers
// (accepted: the hash and the kept config follow; rejected: the message names the field).

import { onlyIdleFieldsDiffer } from '../compare/compare.js';
import { buildControls } from './controls.js';
import { fieldsFor } from './field-words.js';
import { addLayer, removeLayer, resizeUnits } from './network-shape.js';
import { IMPORT_LIMITS, clone, nestsDeeperThan, same } from '../app/json-values.js';
import { clearNotes } from '../app/page-state.js';
import { demoFromHash, isDemo } from '../lecture/demos.js';
import { Schema } from './schema.js';
import { bump, mark } from '../app/test-markers.js';
import { parseHash, serializeHash } from './url-hash.js';
import { formatFixed } from '../app/format.js';

/** The largest config file the page reads, and how deeply its JSON may nest. */
const MAX_IMPORT_BYTES = IMPORT_LIMITS.bytes;
const MAX_IMPORT_DEPTH = IMPORT_LIMITS.depth;

export function createConfigFlow(page) {
  const { ui, state } = page;
  let controls = null;

  /** The worker's first message: builds the controls from the schema, then reads the link. */
  function onReady(schemaJson, defaults) {
    if (controls) {
      // A restarted worker: it gets the config in force, leniently (it was valid before).
      state.restarting = false;
      const config = state.applied ?? state.config ?? defaults;
      if (config.dataset === 'user' && page.userImages.ready) {
        state.config = config;
        controls.set(config);
        page.userImages.resend();
      } else setConfig(config, true);
      return;
    }
    state.schema = new Schema(schemaJson);
    state.fields = fieldsFor(state.schema);
    state.defaults = defaults;
    page.userImages.setLimits(state.schema.limits);
    page.initLab.setFields(state.fields);
    // The views word "saturated" as the core counts it.
    page.initLab.view.setSaturationWords(state.schema.saturationWords());
    page.views.layers.saturationWords = state.schema.saturationWords();
    controls = buildControls(ui.form, state.fields, {
      onChange: onControlChange,
      onInvalid: (key, message) => {
        state.configError = message;
        page.status.renderMessage();
      },
      describedBy: 'message',
      slots: {
        dataset: { element: ui.userImages, showWhen: (c) => c.dataset === 'user' },
        hidden: { element: ui.layerButtons, showWhen: () => true },
        // Regenerate data: for data the core generates (its dataset fact).
        data_seed: { element: ui.regenerate, showWhen: (c) => state.schema.isGenerated(c) },
      },
    });
    wireShapeButtons();
    // A bare address brings back the last settings, unless the Lecture path opens there.
    if (!(location.hash.length <= 1 && page.lecture.opensOnBareAddress())) page.runKeeper.restoreSaved();
    loadHash(true);
    for (const b of [ui.play, ui.pause, ui.step, ui.reset]) b.disabled = false;
    mark('ready', true);
  }

  /**
   * Reads the URL hash into the controls and sends the config to the worker (or opens a demo, or
   * the Lecture path: `#lecture=…`, and on the page's `first` load a bare address).
   */
  function loadHash(first = false) {
    if (page.lecture.takeHash(location.hash, first)) return;
    const demo = demoFromHash(location.hash, state.schema.field('seed'));
    if (demo && isDemo(demo.id) && page.demos.load(demo.id, { seed: demo.seed })) {
      // A bad seed is named; the demo runs with its own.
      if (demo.problem) {
        state.linkNotes = [`Ignored a value in the demo link: ${demo.problem}.`];
        page.status.renderMessage();
      }
      return;
    }
    const demoNotes = demo ? [`The link names a lecture demo "${demo.id}" that does not exist: the Lecture demos menu lists them.`] : [];
    const { given, config, unknown, problems } = parseHash(page.experiments.takeHash(location.hash), state.schema);
    state.configSource = 'the link';
    state.linkNotes = [
      ...demoNotes,
      ...unknown.filter((k) => !(demo && (k === 'demo' || k === 'seed'))).map((k) => `Ignored unknown setting "${k}" in the link.`),
      ...problems.map((p) => `Ignored a value in the link: ${p}.`),
    ];
    page.status.renderMessage();
    setConfig(config, true, given);
    // A demo that does not exist: the menu of those that do has the focus, one click away.
    if (demo) page.demos.showMenu();
  }

  /**
   * Shows a config in the controls and sends it to the worker (leniently for links and files).
   * A link sends only the fields it gives (`sent`): the core fills the rest by its own rules and
   * its answer ('applied') sets the controls to what really trains.
   */
  function setConfig(config, lenient = false, sent = config, edited = null, { fresh = false } = {}) {
    state.config = config;
    controls.set(config);
    // Every config sent has an id; 'applied' echoes it, so the controls take the core's followed
    // edit only when no newer config has been sent since.
    state.editId = (state.editId ?? 0) + 1;
    // A config sent with a fresh start of its own (a lecture demo resets B and starts A itself)
    // must not restart a comparison again when it is applied: by then a short run may have
    // reached its stop epoch, and the restart would leave both runs paused at epoch 0.
    state.freshEditId = fresh ? state.editId : null;
    page.worker.post({ type: 'config', config: clone(sent), lenient, edited, editId: state.editId });
  }

  /**
   * Applies an edited config. For the user's images, the config must match the loaded images
   * (classes, image_size, color): a new size or colour decodes the kept files again and sends them
   * with the config; otherwise classes follows the loaded set.
   */
  async function applyEdit(config, edited = null) {
    if (config.dataset === 'user' && page.userImages.ready) {
      state.config = config;
      controls.set(config);
      if (await page.userImages.refresh(config.image_size, Boolean(config.color))) return;
      if (state.userClasses) config = { ...config, classes: state.userClasses };
    }
    setConfig(config, false, config, edited);
  }

  function onControlChange(key, value) {
    // Old notes and errors go; if the config still holds a rejected value, the worker says so again.
    clearNotes(state);
    controls.markInvalid(null);
    page.status.renderMessage();
    // What the edit brings with it (removed layers lose their overrides, a switch between
    // classification and regression data switches the loss) is the core's rule: the worker asks
    // Config::follow_edit, and 'applied' brings the result back to the controls.
    applyEdit({ ...state.config, [key]: value }, key);
  }

  /**
   * The network's shape buttons: + / − a hidden layer (a new layer copies the last one's width),
   * + / − units in every hidden layer (see network-shape.js); the typed list stays editable.
   */
  function wireShapeButtons() {
    const edit = (change) => {
      const limits = state.schema.limits;
      const next = change(Array.isArray(state.config.hidden) ? state.config.hidden : [], limits.max_layers, limits.max_width);
      if (next) onControlChange('hidden', next);
    };
    ui.addLayer.addEventListener('click', () => edit(addLayer));
    ui.removeLayer.addEventListener('click', () => edit(removeLayer));
    ui.moreUnits.addEventListener('click', () => edit((h, l, w) => resizeUnits(h, +1, w)));
    ui.fewerUnits.addEventListener('click', () => edit((h, l, w) => resizeUnits(h, -1, w)));
    // A fresh data seed comes from the core (the OS entropy source), in the worker.
    ui.regenerateButton.addEventListener('click', () => page.worker.post({ type: 'fresh-seed' }));
  }

  /** The worker drew a fresh data seed for "Regenerate data". */
  function onFreshSeed(seed) {
    onControlChange('data_seed', seed);
  }

  /** Hands newly decoded user images to the worker together with the config that matches them. */
  function sendUserData(data) {
    state.userClasses = data.names.length;
    state.linkNotes = [];
    state.configError = null;
    page.status.renderMessage();
    const config = { ...state.config, dataset: 'user', classes: data.names.length, image_size: data.size, color: data.channels === 3 };
    state.config = config;
    controls.set(config);
    page.worker.post(
      { type: 'user-data', pixels: data.pixels, labels: data.labels, size: data.size, channels: data.channels, names: data.names, config: clone(config) },
      [data.pixels.buffer, data.labels.buffer],
    );
  }

  /** The worker accepted a config (`facts`: the core's data and weights keys, augmentation on). */
  function onApplied({ result, problems = [], lenient, facts, editId }, config) {
    const previous = state.applied;
    state.applied = config;
    state.appliedFacts = facts ?? null;
    if (!lenient && editId === state.editId && !same(config, state.config)) {
      // The core followed an edit with other fields (Config::follow_edit): show them.
      state.config = config;
      controls.set(config);
    }
    if (lenient) {
      // A link's config may have been repaired by the core: show what is really training.
      state.config = config;
      controls.set(config);
      state.linkNotes = [
        ...state.linkNotes,
        ...problems.map((p) => `Ignored a value in ${state.configSource ?? 'the link'}: ${p.field}: ${p.message}; using the default.`),
      ];
    }
    state.configError = null;
    controls.markInvalid(null);
    const configHash = writeHash(config);
    page.saved.saveConfig(configHash.slice(1));
    page.status.renderMessage();
    bump('applied');
    mark('result', result);
    // In a comparison the controls edit B; any change to B that touches training restarts both
    // runs from step 0, so the two curves always compare the two configs from the same start.
    // The init lab's settings are config fields too, but they restart neither run.
    const startedFresh = editId !== undefined && editId === state.freshEditId;
    if (page.compare.active && result !== 'unchanged' && !onlyIdleFieldsDiffer(previous, config, state.fields)) {
      if (result === 'updated' && !startedFresh) page.worker.post({ type: 'reset' });
      page.compare.setB(config, !startedFresh, facts, state.playing);
    }
  }

  /**
   * Writes the address: the config's hash (and the sweep's part), or, while the Lecture path
   * shows, the path's `#lecture=STEP`. Returns the config's hash.
   */
  function writeHash(config = state.applied) {
    if (!config || !state.fields) return '';
    const configHash = `#${serializeHash(config, state.fields)}`;
    const hash = page.lecture.ownsHash ? page.lecture.hash() : `${configHash}${page.experiments.hashPart()}`;
    if (hash !== location.hash) history.replaceState(null, '', hash);
    state.writtenHash = hash;
    return configHash;
  }

  /** The worker rejected a config: `{field, message}` from the core. */
  function onError(msg) {
    if (msg.field && controls?.has(msg.field)) controls.markInvalid(msg.field);
    state.configError = state.applied && msg.field
      ? `${msg.message}. Still training with the previous setting.`
      : msg.message;
    page.status.renderMessage();
  }

  /** Reads a config file the user chose; unknown keys are noted, bad values repaired by the core. */
  async function importFile(file) {
    if (!file || !state.defaults) return;
    const refuse = (text) => {
      state.configError = text;
      page.status.renderMessage();
    };
    if (file.size > MAX_IMPORT_BYTES) {
      refuse(`${file.name} is ${formatFixed(file.size / (1 << 20), 1)} MB; a config file is at most ${MAX_IMPORT_BYTES >> 20} MB.`);
      return;
    }
    let parsed;
    try {
      parsed = JSON.parse(await file.text());
    } catch (e) {
      refuse(`${file.name} is not valid JSON: ${e.message}`);
      return;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      refuse(`${file.name} does not hold a config object.`);
      return;
    }
    if (nestsDeeperThan(parsed, MAX_IMPORT_DEPTH)) {
      refuse(`${file.name} nests deeper than ${MAX_IMPORT_DEPTH} levels; no config field does.`);
      return;
    }
    // The file's own fields and what its run recorded (the arithmetic, checked by the core) go
    // to the core, which fills the rest by its rules (a missing loss is the dataset's).
    const known = (k) => state.schema.has(k) || state.schema.recorded.includes(k);
    const given = Object.fromEntries(Object.entries(parsed).filter(([k]) => known(k)));
    state.linkNotes = Object.keys(parsed).filter((k) => !known(k)).slice(0, 20).map((k) => `Ignored unknown setting "${k}" in ${file.name}.`);
    state.configError = null;
    state.configSource = file.name;
    page.status.renderMessage();
    const shown = Object.fromEntries(Object.entries(given).filter(([k]) => state.schema.has(k)));
    setConfig({ ...clone(state.defaults), ...shown }, true, given);
  }

  return {
    onReady, loadHash, setConfig, writeHash: () => writeHash(), applyEdit, sendUserData, onApplied, onError, importFile, onFreshSeed,
    has: (key) => controls?.has(key) ?? false,
  };
}
