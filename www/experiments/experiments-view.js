// Owns the Experiments tab: the sweep form (knob, values, optional second knob, seeds, epochs or
// until early stopping, workers), the lecture presets (presets/experiments.json), running a sweep
// in the pool (www/sweep-pool.js) over the current config, the chart (www/plots/sweep-chart.js)
// filled as records stream in, a run's curves and "Use settings" on click, Cancel, the kept
// sweeps (www/experiments-store.js), an imported sweep drawn beside the browser's own
// (imported-sweep.js; the files in and out are sweep-files.js), and the `sweep=` part of the URL
// hash. Knobs, ranges and limits come from the core
// (src/sweep.rs) through a planner worker; the spec is checked and expanded there, never here.

import { byId } from '../app/dom.js';
import { IMPORT_LIMITS, clone, nestsDeeperThan } from '../app/json-values.js';
import { mark, bump } from '../app/test-markers.js';
import { SweepPool, defaultWorkers, maxWorkers } from './sweep-pool.js';
import { SweepChart } from './sweep-chart.js';
import { Planner } from './planner.js';
import { drawRunCurve } from '../plots/run-curve.js';
import { SweepStore, figuresOf, formatValues, hashPart, parseValues, splitHash } from './sweep-store.js';
import { wireSweepFiles } from './sweep-files.js';
import { ELSEWHERE, browserPartner, comparison, hasCurve, isImported, originWords } from './imported-sweep.js';
import { HELP, KNOB_TEXT, METRIC_TEXT, REGRESSION_METRIC_TEXT, WHICH_TEXT } from './knob-words.js';
import presets from '../../presets/experiments.json';
import { formatFixed, formatFraction, formatInt } from '../app/format.js';
import { formatLeft, sweepProgress } from './sweep-progress.js';
import { citationText, referenceLines } from './paper-reference.js';

const WORKERS_KEY = 'overfit.sweep-workers.v1';

/** "1 run", "3 runs". */
const runs = (n) => `${formatInt(n)} ${n === 1 ? 'run' : 'runs'}`;

export function createExperiments(page) {
  const el = {
    preset: byId('sweep-preset'),
    presetText: byId('sweep-preset-text'),
    presetCite: byId('sweep-preset-cite'),
    presetCiteText: byId('sweep-preset-cite-text'),
    knob: byId('sweep-knob'),
    values: byId('sweep-values'),
    series: byId('sweep-series'),
    seriesValues: byId('sweep-series-values'),
    seeds: byId('sweep-seeds'),
    epochs: byId('sweep-epochs'),
    early: byId('sweep-early'),
    workers: byId('sweep-workers'),
    run: byId('sweep-run'),
    cancel: byId('sweep-cancel'),
    status: byId('sweep-status'),
    progress: byId('sweep-progress'),
    metric: byId('sweep-metric'),
    which: byId('sweep-which'),
    saved: byId('sweep-saved'),
    csv: byId('sweep-csv'),
    png: byId('sweep-png'),
    exportJson: byId('sweep-export'),
    importJson: byId('sweep-import'),
    ray: byId('sweep-ray'),
    importCsv: byId('sweep-import-csv'),
    compare: byId('sweep-compare'),
    compareLabel: byId('sweep-compare-label'),
    detail: byId('sweep-detail'),
    detailTitle: byId('sweep-detail-title'),
    detailCurves: byId('sweep-detail-curves'),
    use: byId('sweep-use'),
  };
  const USE_TITLE = el.use.title;
  const store = new SweepStore();
  /** The sweep shown: {id, started, spec (listed, with config), runs (configs), records, state}. */
  let shown = null;
  let schema = null;
  let pending = null;
  let opened = null;
  let picked = null;
  let drawQueued = false;
  const progress = new Map();
  /** Who waits for the running sweep to end (the Lecture path's experiment steps). */
  let doneWaiters = [];
  /** The browser's sweep drawn beside the imported one shown, or null when it is drawn alone. */
  let partnerDrawn = null;

  // The planner: one idle pool worker that checks and expands specs (experiments/planner.js).
  const planner = new Planner();
  const ask = (msg) => planner.ask(msg);

  const chart = new SweepChart(byId('sweep-chart'), { onPick: (r) => openRun(r) });

  const pool = new SweepPool({
    onRecord: (record, index, { wasmBytes }) => {
      if (!shown) return;
      shown.records.push(record);
      // The largest wasm memory of any pool worker so far (flat over a long sweep).
      if (wasmBytes > Number(document.body.dataset.sweepWasmBytes || 0)) mark('sweepWasmBytes', wasmBytes);
      progress.delete(record.run);
      mark('sweepRecords', shown.records.length);
      // Kept as the runs finish, so a reload mid-sweep keeps them (at most once a second).
      keepSoon();
      queueDraw();
    },
    onProgress: (index, epoch) => {
      progress.set(index, epoch);
      queueStatus();
    },
    onError: (message, index) => {
      shown?.errors.push(`run ${index}: ${message}`);
      queueStatus();
    },
    onDone: ({ cancelled, ms }) => {
      if (!shown) return;
      shown.state = cancelled ? 'cancelled' : 'done';
      shown.ms = ms;
      progress.clear();
      el.run.disabled = false;
      el.cancel.disabled = true;
      mark('sweepMs', Math.round(ms));
      mark('sweep', shown.state);
      store.save(storable(shown));
      renderSaved();
      queueDraw();
      const waiters = doneWaiters;
      doneWaiters = [];
      for (const w of waiters) w(shown);
    },
  });

  let keepTimer = null;
  function keepSoon() {
    if (keepTimer) return;
    keepTimer = setTimeout(() => {
      keepTimer = null;
      if (shown?.state === 'running') store.save(storable(shown));
    }, 1000);
  }

  function storable(s) {
    return { id: s.id, started: s.started, spec: s.spec, records: s.records, state: s.state, ms: s.ms ?? null, preset: s.preset ?? null, ...(isImported(s) ? { origin: s.origin, file: s.file } : {}) };
  }

  // ---- the form ----

  /** The preset's sentence and, for a paper's result, its citation and what our run changes. */
  function showPresetText(p) {
    el.presetText.textContent = p ? p.sentence : '';
    // Folded by default: the citation would push the chart below a 720-pixel window.
    el.presetCiteText.textContent = citationText(p?.paper);
    el.presetCite.hidden = !p?.paper;
    // The preset's own figure (Epochs to fit for the random-label test, error for most).
    if (p?.metric && METRIC_TEXT[p.metric]) el.metric.value = p.metric;
  }

  function knobOf(name) {
    return schema?.sweep.knobs.find((k) => k.name === name) ?? null;
  }

  function option(value, text, title = '') {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    if (title) o.title = title;
    return o;
  }

  function buildForm() {
    const { knobs, limits, defaults } = schema.sweep;
    el.knob.replaceChildren(...knobs.map((k) => option(k.name, KNOB_TEXT[k.name]?.label ?? k.name, KNOB_TEXT[k.name]?.tip)));
    el.series.replaceChildren(option('', 'none'), ...knobs.map((k) => option(k.name, KNOB_TEXT[k.name]?.label ?? k.name)));
    el.preset.replaceChildren(option('', 'Choose a lecture experiment…'), ...presets.map((p) => option(p.id, p.title, p.sentence)));
    el.metric.replaceChildren(...Object.entries(METRIC_TEXT).map(([k, t]) => option(k, t.label)));
    el.which.replaceChildren(...Object.entries(WHICH_TEXT).map(([k, t]) => option(k, t.label, t.tip)));
    el.seeds.min = 1;
    el.seeds.max = limits.max_seeds;
    el.seeds.value = defaults.seeds;
    el.epochs.min = 1;
    el.epochs.max = limits.max_epochs;
    el.epochs.value = defaults.epochs;
    el.workers.min = 1;
    el.workers.max = maxWorkers();
    el.workers.value = loadWorkers();
    el.values.title = HELP.values;
    el.seriesValues.title = HELP.series;
    el.seeds.title = HELP.seeds;
    el.epochs.title = HELP.epochs;
    el.workers.title = HELP.workers;
    el.knob.value = 'width';
    el.values.value = '2, 8, 32';
    syncSeries();
  }

  function loadWorkers() {
    let n = NaN;
    try {
      n = Number(localStorage.getItem(WORKERS_KEY));
    } catch {
      // No storage: the default.
    }
    return Number.isInteger(n) && n >= 1 && n <= maxWorkers() ? n : defaultWorkers();
  }

  function syncSeries() {
    el.seriesValues.disabled = el.series.value === '';
  }

  /** The spec the form describes, over the current config. */
  function formSpec() {
    const spec = {
      knob: el.knob.value,
      values: parseValues(el.values.value),
      seeds: Number(el.seeds.value),
      epochs: Number(el.epochs.value),
      until_early_stopping: el.early.checked,
      config: clone(page.state.applied ?? page.state.config ?? {}),
    };
    if (el.series.value) spec.series = { knob: el.series.value, values: parseValues(el.seriesValues.value) };
    return spec;
  }

  /** Fills the form from a spec (its config is not touched here). */
  function fillForm(spec) {
    if (spec.knob) el.knob.value = spec.knob;
    el.values.value = formatValues(spec.values);
    el.series.value = spec.series?.knob ?? '';
    el.seriesValues.value = spec.series ? formatValues(spec.series.values) : '';
    if (spec.seeds) el.seeds.value = spec.seeds;
    if (spec.epochs) el.epochs.value = spec.epochs;
    el.early.checked = spec.until_early_stopping === true;
    syncSeries();
  }

  function say(text) {
    el.status.textContent = text;
  }

  let statusQueued = false;
  function queueStatus() {
    if (statusQueued) return;
    statusQueued = true;
    requestAnimationFrame(() => {
      statusQueued = false;
      renderStatus();
    });
  }

  /** What loading the kept sweeps dropped, said beside the status until a sweep runs. */
  let storeNote = null;

  function renderStatus() {
    if (!shown) return;
    statusText();
    if (storeNote) say(`${el.status.textContent} ${storeNote}`);
  }

  function statusText() {
    const n = shown.runs.length;
    const done = shown.records.length;
    const errors = shown.errors.length ? ` ${shown.errors.length} run(s) failed: ${shown.errors.slice(0, 2).join('; ')}.` : '';
    const running = shown.state === 'running' && shown.startedAt !== undefined;
    el.progress.hidden = !running;
    if (shown.state === 'running') {
      const inFlight = [...progress.entries()].slice(0, 4).map(([i, e]) => `run ${i + 1} at epoch ${e}`).join(', ');
      // The work done weighs each run by its cost (a wide run counts for more than a narrow one).
      let left = '';
      if (running) {
        const p = sweepProgress({ runs: shown.runs, records: shown.records, progress, elapsedMs: performance.now() - shown.startedAt });
        el.progress.value = p.fraction;
        left = ` ${Math.floor(p.fraction * 100)} % of the work done${p.leftMs === null ? '' : `, ${formatLeft(p.leftMs)}`}.`;
        mark('sweepLeftMs', p.leftMs === null ? '' : Math.round(p.leftMs));
      }
      say(`Running ${n} runs on ${shown.workers} worker${shown.workers === 1 ? '' : 's'}: ${done} done${inFlight ? ` (${inFlight})` : ''}.${left}${errors}`);
    } else if (shown.state === 'cancelled') {
      say(`Cancelled: ${done} of ${n} ${n === 1 ? 'run' : 'runs'} finished.${errors}`);
    } else if (shown.state === 'interrupted') {
      say(`Interrupted by a reload: ${runs(done)} finished${n ? ` of ${n}` : ''}; press Run sweep to run it again.${errors}`);
    } else if (isImported(shown)) {
      const beside = partnerDrawn ? ` Drawn beside this browser's sweep of ${new Date(partnerDrawn.started).toLocaleString()} (${runs(partnerDrawn.records.length)}).` : '';
      say(`${runs(done)} ${originWords(shown)} on ${new Date(shown.started).toLocaleString()}.${beside} Click a dot to see that run's figures.`);
    } else if (shown.state === 'done') {
      const steps = shown.records.reduce((a, r) => a + r.steps, 0);
      const secs = shown.ms ? ` in ${formatFixed(shown.ms / 1000, 1)} s (${formatInt(steps / (shown.ms / 1000))} steps/s)` : '';
      say(`${runs(done)} finished${secs}. Click a dot to see that run's curves.${errors}`);
    } else {
      say(`${runs(done)}.`);
    }
  }

  function queueDraw() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => {
      drawQueued = false;
      draw();
    });
  }

  /** The metrics' words for a sweep: R² in place of accuracy on a regression set. */
  function metricWords(spec) {
    return page.state.schema?.dataset(spec.config ?? {})?.regression ? REGRESSION_METRIC_TEXT : METRIC_TEXT;
  }

  /** Draws are numbered: a summary that comes back after a newer draw was asked for is dropped. */
  let drawId = 0;

  async function draw() {
    renderStatus();
    const id = ++drawId;
    if (!shown) return chart.draw({ spec: null });
    const sweep = shown;
    // An imported sweep is drawn beside the browser's own sweep of the same knob when asked.
    const partner = browserPartner(sweep, store.sweeps);
    el.compareLabel.hidden = !partner;
    const both = partner && el.compare.checked ? comparison(partner, sweep) : null;
    const spec = both ? both.spec : { knob: sweep.spec.knob, values: sweep.spec.values, series: sweep.spec.series ?? null };
    const records = both ? both.records : sweep.records.slice();
    // The medians and ranges are the core's (src/sweep/summary.rs), asked of the planner; only
    // the figures travel, not the curves.
    let cells;
    try {
      cells = (await ask({ type: 'summary', values: spec.values, series: spec.series?.values ?? null, records: records.map(figuresOf) })).cells;
    } catch (e) {
      if (id === drawId) say(`The sweep's summary could not be computed: ${e.message}`);
      return;
    }
    if (id !== drawId) return;
    partnerDrawn = both ? partner : null;
    mark('sweepOrigin', isImported(sweep) ? 'imported' : 'browser');
    mark('sweepCompared', Boolean(both));
    renderStatus();
    const metric = el.metric.value || 'error';
    const which = el.which.value || 'final';
    // The metric menu names the score the sweep holds: R² on a regression set, accuracy otherwise.
    const words = metricWords(sweep.spec);
    for (const o of el.metric.options) if (words[o.value]) o.textContent = words[o.value].label;
    const preset = presets.find((p) => p.id === sweep.preset) ?? null;
    chart.draw({
      reference: referenceLines(preset?.paper, preset, sweep.spec, metric),
      spec,
      knob: knobOf(spec.knob),
      records,
      cells,
      metric,
      which,
      labels: {
        knob: KNOB_TEXT[spec.knob]?.label ?? spec.knob,
        series: both ? 'Where' : KNOB_TEXT[spec.series?.knob]?.label ?? spec.series?.knob,
        metric: metric === 'fit' ? metricWords(sweep.spec).fit.axis : `${WHICH_TEXT[which].label.toLowerCase()} ${metricWords(sweep.spec)[metric].axis}`,
      },
    });
    bump('sweepDraws');
    el.csv.disabled = shown.records.length === 0;
    el.png.disabled = shown.records.length === 0;
  }

  // ---- running ----

  /** Runs the form's sweep; returns whether it started. */
  async function run() {
    if (!schema) return false;
    pool.cancel(false);
    const spec = formSpec();
    storeNote = null;
    let plan;
    try {
      plan = (await ask({ type: 'plan', spec })).plan;
    } catch (e) {
      say(`${e.message}`);
      mark('sweepError', e.field ?? 'sweep');
      return false;
    }
    delete document.body.dataset.sweepError;
    const workers = Math.max(1, Math.min(maxWorkers(), Number(el.workers.value) || defaultWorkers()));
    try {
      localStorage.setItem(WORKERS_KEY, String(workers));
    } catch {
      // The setting then lasts until the page reloads.
    }
    // The preset the form was loaded from, when the sweep is still its knob on its dataset: its paper's figure is drawn behind.
    const preset = presets.find((p) => p.id === el.preset.value);
    const fromPreset = preset && preset.spec.knob === plan.spec.knob && preset.spec.config?.dataset === plan.spec.config?.dataset ? preset.id : null;
    shown = { id: `s${Date.now()}`, started: new Date().toISOString(), startedAt: performance.now(), spec: plan.spec, runs: plan.runs, records: [], errors: [], state: 'running', workers, preset: fromPreset };
    closeRun();
    writeHash();
    el.run.disabled = true;
    el.cancel.disabled = false;
    mark('sweep', 'running');
    mark('sweepRuns', plan.runs.length);
    mark('sweepRecords', 0);
    mark('sweepWasmBytes', 0);
    draw();
    pool.start(JSON.stringify(plan.spec), plan.runs.length, workers);
    return true;
  }

  /**
   * The Lecture path's experiment steps: loads a lecture experiment (presets/experiments.json)
   * into the form, its config into the controls, without running it. Returns whether it loaded.
   */
  async function loadPreset(id) {
    const p = presets.find((x) => x.id === id);
    if (!p) return false;
    await open();
    if (!schema) return false;
    el.preset.value = p.id;
    showPresetText(p);
    return loadSpec(p.spec, `the preset "${p.title}"`);
  }

  /** Runs the form's sweep and resolves with it when it ends (null if it did not start). */
  function runToEnd() {
    return new Promise((resolve) => {
      doneWaiters.push(resolve);
      run().then((started) => {
        if (!started) {
          doneWaiters = doneWaiters.filter((w) => w !== resolve);
          resolve(null);
        }
      });
    });
  }

  /** The shown sweep's knob values and its records' figures (what the core's summaries read). */
  function figures() {
    if (!shown) return null;
    return { values: clone(shown.spec.values), records: shown.records.map(figuresOf) };
  }

  function cancel() {
    pool.cancel(true);
  }

  // ---- one run ----

  function openRun(record) {
    if (!shown) return;
    picked = record;
    // Beside the browser's sweep, a record's series says where it was computed; the browser's
    // runs there are shown without settings (its sweep alone offers them).
    const elsewhere = isImported(shown) && (!partnerDrawn || record.series === ELSEWHERE);
    const cfgRun = isImported(shown) ? null : shown.runs?.[record.run];
    const knob = KNOB_TEXT[shown.spec.knob]?.label ?? shown.spec.knob;
    const series = partnerDrawn ? ` (${record.series})` : shown.spec.series ? `, ${KNOB_TEXT[shown.spec.series.knob]?.label ?? shown.spec.series.knob} ${record.series}` : '';
    const pct = (v) => (v == null ? '–' : formatFraction(v));
    const where = elsewhere ? ` · ${originWords(shown)}` : '';
    const curve = hasCurve(record) ? '' : ` · its curve was not exported${elsewhere ? ' (the CSV holds each run\'s figures, not its epochs)' : ''}`;
    el.detailTitle.textContent = `Run ${record.run + 1}${series}: ${knob} ${record.value}, seed ${record.seed}, ${record.epochs} epochs · final training ${pct(record.final_train_score)}, validation ${pct(record.final_val_score)} · best validation ${pct(record.best_val_score)} (epoch ${record.best_epoch})${record.early_stopped ? ' · stopped early' : ''}${record.diverged ? ' · diverged' : ''}${where}${curve}`;
    el.detail.hidden = false;
    el.detail.dataset.run = String(record.run);
    el.use.disabled = !cfgRun;
    el.use.title = cfgRun ? USE_TITLE
      : elsewhere ? 'This run was computed elsewhere: the CSV holds no settings to load.'
      : isImported(shown) ? 'Show this browser\'s sweep alone (Kept sweeps) to use a run\'s settings.'
      : 'This version cannot rebuild the run\'s settings.';
    el.detailCurves.hidden = !hasCurve(record);
    drawRunCurve(el.detailCurves, record.curve);
    mark('sweepOpened', record.run);
  }

  function closeRun() {
    picked = null;
    el.detail.hidden = true;
  }

  function useSettings() {
    const r = picked && shown?.runs?.[picked.run];
    if (!r) return;
    page.state.notice = `Using the settings of run ${picked.run + 1} of the sweep (${shown.spec.knob} ${picked.value}, seed ${picked.seed}); it pauses at epoch ${r.config.stop_at_epoch}.`;
    page.config.setConfig(clone(r.config), true);
    page.tabs.show('main');
    page.status.renderMessage();
  }

  // ---- kept sweeps, files and the hash ----

  function renderSaved() {
    el.saved.replaceChildren(option('', store.sweeps.length ? `Kept sweeps (${store.sweeps.length})…` : 'No kept sweeps'),
      ...store.sweeps.map((s) => option(s.id, `${new Date(s.started).toLocaleString()} · ${KNOB_TEXT[s.spec.knob]?.label ?? s.spec.knob} · ${runs(s.records.length)}${s.state === 'done' ? '' : ` (${s.state})`}${isImported(s) ? ` · ${originWords(s)}` : ''}`)));
    mark('sweepsKept', store.sweeps.length);
  }

  async function showKept(id) {
    const s = store.sweeps.find((x) => x.id === id);
    if (!s) return;
    pool.cancel(false);
    let runs = null;
    // A sweep computed elsewhere has no config to rebuild its runs from.
    if (!isImported(s)) {
      try {
        runs = (await ask({ type: 'plan', spec: s.spec })).plan.runs;
      } catch {
        // A spec this version no longer accepts: the chart shows, "Use settings" is off.
      }
    }
    shown = { ...s, records: [...s.records], runs: runs ?? [], errors: [] };
    fillForm(s.spec);
    closeRun();
    draw();
  }

  /**
   * Opens a spec (from a file, a link or a preset) once the core has checked it, with the
   * current config where the spec has none: the form, and the main config from the spec's
   * config. A spec the core refuses changes nothing and is named with the message `overfit
   * sweep` prints for the same spec. Returns whether it was loaded.
   */
  async function loadSpec(spec, source) {
    if (nestsDeeperThan(spec, IMPORT_LIMITS.depth)) {
      refuse(`${source} nests deeper than ${IMPORT_LIMITS.depth} levels; no sweep field does`, 'sweep');
      return false;
    }
    const hasConfig = spec.config !== undefined;
    let plan;
    try {
      plan = (await ask({ type: 'plan', spec: hasConfig ? spec : { ...spec, config: clone(page.state.applied ?? page.state.config ?? {}) } })).plan;
    } catch (e) {
      refuse(`${source}: ${e.message}`, e.field ?? 'sweep');
      return false;
    }
    delete document.body.dataset.sweepError;
    fillForm(spec);
    if (hasConfig) page.config.setConfig(clone(plan.spec.config), true);
    say(`Loaded the sweep from ${source}; press Run sweep to run it.`);
    mark('sweepLoaded', source);
    return true;
  }

  /** Says why a sweep was refused and marks its field for the tests. */
  function refuse(text, field) {
    say(`Refused ${text}.`.replace(/\.\.$/, '.'));
    mark('sweepError', field);
  }

  /** Asks the core about every kept sweep's spec; drops those it refuses and says so. */
  async function checkKept() {
    const refused = [];
    // The core checked an imported sweep's rows when its CSV was read; it has no config to plan.
    for (const s of store.sweeps.filter((x) => !isImported(x))) {
      try {
        await ask({ type: 'plan', spec: { ...s.spec, config: s.spec.config ?? {} } });
      } catch (e) {
        refused.push({ id: s.id, message: e.message });
      }
    }
    store.dropRefused(refused);
  }

  function writeHash() {
    if (!page.state.writtenHash) return;
    const { rest } = splitHash(page.state.writtenHash);
    const hash = `${rest}${hashPart(specForHashOrNull())}`;
    if (hash !== location.hash) history.replaceState(null, '', hash);
    page.state.writtenHash = hash;
  }

  /** The spec for the hash while the Experiments tab shows (a link then opens it); else null. */
  function specForHashOrNull() {
    if (!opened || page.state.tab !== 'experiments' || page.lecture?.ownsHash) return null;
    const s = formSpec();
    delete s.config;
    return s;
  }

  el.run.addEventListener('click', run);
  el.cancel.addEventListener('click', cancel);
  el.series.addEventListener('change', syncSeries);
  el.metric.addEventListener('change', draw);
  el.which.addEventListener('change', draw);
  el.use.addEventListener('click', useSettings);
  for (const input of [el.knob, el.values, el.series, el.seriesValues, el.seeds, el.epochs, el.early]) input.addEventListener('change', writeHash);
  el.preset.addEventListener('change', () => {
    const p = presets.find((x) => x.id === el.preset.value);
    showPresetText(p);
    if (p) loadSpec(p.spec, `the preset "${p.title}"`);
  });
  el.saved.addEventListener('change', () => showKept(el.saved.value));
  wireSweepFiles({
    el,
    ask,
    store,
    shown: () => shown,
    schema: () => schema,
    formSpec,
    loadSpec,
    refuse,
    say,
    keptChanged: (note) => {
      storeNote = note;
      renderSaved();
    },
    showKept,
  });
  el.compare.addEventListener('change', () => {
    closeRun();
    draw();
  });

  /** The first time the tab opens: the knobs from the core, the form, the kept sweeps. */
  async function open() {
    opened ??= (async () => {
      const s = await ask({ type: 'schema' });
      schema = s;
      buildForm();
      await checkKept();
      renderSaved();
      el.run.disabled = false;
      el.ray.disabled = false;
      if (store.problem) say(store.problem);
      else say('Choose a knob and its values, or a lecture experiment, and press Run sweep. The rest of the config is the current one.');
      if (store.sweeps[0] && !shown) {
        storeNote = store.problem;
        await showKept(store.sweeps[0].id);
      }
      // A spec from the link is checked by the core before the form shows it.
      if (pending) await loadSpec(pending, 'the link');
      pending = null;
      mark('sweepReady', true);
    })().catch((e) => {
      opened = null;
      say(`${e.message}. Open the tab again to retry.`);
      throw e;
    });
    try {
      await opened;
    } catch {
      return;
    }
    writeHash();
    queueDraw();
  }

  /**
   * Takes the `sweep=` part off a hash (the page reads the rest as the config); remembers the
   * spec for the form and opens the tab. Returns the rest of the hash.
   */
  function takeHash(hash) {
    const { rest, spec, error } = splitHash(hash);
    if (error) say(`Ignored ${error}.`);
    if (spec) {
      if (schema) loadSpec(spec, 'the link');
      else pending = spec;
      queueMicrotask(() => page.tabs.show('experiments'));
    }
    return rest;
  }

  // For the end-to-end tests (tests/e2e/experiments.test.mjs): where a run's dot is, the records.
  if (window.overfitDebug) {
    window.overfitDebug.sweep = {
      dotOf: (run) => {
        const d = chart.dotOf(run);
        return d && { x: d.x, y: d.y };
      },
      dots: () => chart.dots.length,
      referencePoints: () => chart.referencePoints ?? 0,
      records: () => clone(shown?.records ?? []),
      // The axis words the chart drew (the metric's reads R² on a regression sweep).
      labels: () => clone(chart.state?.labels ?? null),
      // The validation dots drawn: which run (and series) each is, and where, in CSS pixels.
      drawn: () => chart.dots.filter((d) => d.split === 'val').map((d) => ({ run: d.record.run, value: d.record.value, series: d.record.series ?? null, x: d.x, y: d.y })),
    };
  }

  return {
    open,
    loadPreset,
    runToEnd,
    figures,
    preset: (id) => presets.find((x) => x.id === id) ?? null,
    takeHash,
    writeHash,
    hashPart: () => hashPart(specForHashOrNull()),
    cancel,
    get shown() {
      return shown;
    },
    chart,
  };
}
