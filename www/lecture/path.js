// Owns the Lecture path: the lecture walked in its own order (presets/lecture-path.json), each
// step asking first and showing after. A step loads its settings without playing (a lecture demo
// through `page.demos.load`, a lecture experiment into the Experiments tab, or the Init lab's
// settings), shows its question and the prediction (choice.js / sketch.js); "Run it" (after a
// prediction) or "Skip, just show me" plays it at the page's speed; when the run reaches its stop
// epoch (the sweep ends, the lab has computed) the core names what happened (core-questions.js)
// and the reveal (reveal.js) shows it beside the prediction with the evidence outlined. "Try it
// yourself" leaves the step's settings loaded with every knob free; "Next step" moves on.
// It is what a first visit opens to; a link with settings lands where it says, with the path
// closed. While the path shows, the address is `#lecture=STEP`. Progress is kept in this browser
// (progress-store.js); the summary and the lecturer view are summary.js's.

import pathData from '../../presets/lecture-path.json';
import { byId } from '../app/dom.js';
import { clone } from '../app/json-values.js';
import { mark } from '../app/test-markers.js';
import { KNOB_TEXT } from '../experiments/knob-words.js';
import { CoreQuestions } from './core-questions.js';
import { ProgressStore } from './progress-store.js';
import { ChoicePrediction } from './prediction.js';
import { Sketch } from './sketch.js';
import { bringIntoView, buildReveal, clearEvidence, outlineEvidence } from './reveal.js';
import { StepList, stepListState } from './step-list.js';
import { lectureFromHash, stepHash, stepLink } from './step-links.js';
import { renderLecturer, renderSummary } from './summary.js';
import { copyText } from '../export/sharing.js';

/** Words for the series a sketch step draws. */
const SERIES_WORDS = { val_loss: 'the validation loss', val: 'the validation error' };

export function createLecturePath(page) {
  const { state } = page;
  const panel = byId('lecture-path');
  const el = {
    where: byId('path-where'),
    toggleSteps: byId('path-toggle-steps'),
    nav: byId('path-steps'),
    note: byId('path-note'),
    body: byId('path-body'),
    question: byId('path-question'),
    predict: byId('path-predict'),
    run: byId('path-run'),
    skip: byId('path-skip'),
    running: byId('path-running'),
    live: byId('path-reveal-live'),
    after: byId('path-after'),
    tryIt: byId('path-try'),
    next: byId('path-next'),
    exploring: byId('path-exploring'),
    exploringText: byId('path-exploring-text'),
    back: byId('path-back'),
    summary: byId('lecture-summary'),
    lecturer: byId('lecture-lecturer'),
  };
  const sections = pathData.sections;
  const steps = pathData.steps.map((s) => ({ ...s, title: titleOf(s) }));
  const store = new ProgressStore(steps);
  const core = new CoreQuestions();
  const postB = (msg) => page.worker.post(msg);
  const postA = (msg) => page.compare.post(msg);
  const stepList = new StepList(el.nav, (id) => goTo(id));
  const embed = document.body.classList.contains('embed') || new URLSearchParams(location.search).has('embed');

  /** Whether the panel shows; the step shown; its phase: predict | running | judging | reveal | explore. */
  let open = false;
  let index = Math.max(0, steps.findIndex((s) => s.id === store.progress.current));
  let phase = 'predict';
  let prediction = null;
  /** The prediction widget of the step shown (ChoicePrediction or Sketch). */
  let widget = null;
  /** Grows with every step loaded or run, so late answers of an earlier one are dropped. */
  let ticket = 0;
  /** The run in progress: {ticket, kind, synced}. */
  let running = null;
  /** A page view instead of the path: 'summary' | 'lecturer' | null. */
  let pageView = null;
  let notes = [];
  if (store.problem) notes.push(store.problem);

  function titleOf(step) {
    if (step.demo) return page.demos.find(step.demo)?.title ?? step.demo;
    if (step.experiment) return page.experiments.preset(step.experiment)?.title ?? step.experiment;
    if (step.lab) return `Init lab: ${step.lab.init}, ${step.lab.depth} × ${step.lab.width} ${step.lab.activation}`;
    return step.id;
  }

  const step = () => steps[index];
  const options = (s) => (s.predict?.kind === 'sketch' ? s.predict.shapes : s.predict?.choices) ?? [];

  // ---- the panel ----

  function renderNotes() {
    el.note.replaceChildren(...notes.map((n) => Object.assign(document.createElement('p'), { textContent: n })));
    el.note.hidden = notes.length === 0;
  }

  function renderList() {
    stepList.render(stepListState(sections, steps, store.progress.results, step().id));
  }

  function renderWhere() {
    const s = step();
    const section = sections.find((x) => x.id === s.section)?.title ?? s.section;
    el.where.textContent = `Step ${index + 1} of ${steps.length} · ${section}: ${s.title}`;
  }

  function setPhase(next) {
    phase = next;
    panel.dataset.phase = next;
    mark('lecturePhase', next);
    const exploring = next === 'explore';
    el.body.hidden = exploring;
    el.exploring.hidden = !exploring;
    el.after.hidden = next !== 'reveal';
    el.run.hidden = next === 'reveal';
    el.skip.hidden = next === 'reveal';
    el.run.disabled = next !== 'predict' || prediction === null || !runnable();
    el.skip.disabled = next !== 'predict' || !runnable();
    if (widget) widget.disabled = next !== 'predict';
    writeHash();
  }

  /** Whether the step's settings have loaded (an experiment's spec is checked by the core first). */
  let settingsReady = true;

  /** Whether the step's run can start (its settings loaded, its demo or experiment exists). */
  function runnable() {
    const s = step();
    if (!settingsReady) return false;
    if (s.demo) return page.demos.find(s.demo) !== null;
    if (s.experiment) return page.experiments.preset(s.experiment) !== null;
    return Boolean(s.lab);
  }

  function onPrediction(id) {
    prediction = id;
    if (phase === 'predict') el.run.disabled = prediction === null || !runnable();
  }

  /** Shows the step's question and prediction and loads its settings without playing. */
  function loadStep(i, { focus = false } = {}) {
    index = Math.max(0, Math.min(steps.length - 1, i));
    ticket += 1;
    // A sweep still running for the step left behind stops.
    if (running?.kind === 'experiment') page.experiments.cancel();
    running = null;
    prediction = null;
    const s = step();
    store.setCurrent(s.id);
    clearEvidence();
    el.question.textContent = s.question;
    el.live.replaceChildren();
    el.running.textContent = '';
    el.tryIt.hidden = false;
    if (s.predict?.kind === 'sketch') {
      const knob = s.experiment ? page.experiments.preset(s.experiment)?.spec?.knob : null;
      const xLabel = s.experiment ? (KNOB_TEXT[knob]?.label ?? knob ?? 'the knob').toLowerCase() : 'epochs';
      widget = new Sketch({
        series: SERIES_WORDS[s.predict.series] ?? s.predict.series,
        xLabel,
        shapes: s.predict.shapes,
        classify: (values) => core.shape(postB, values),
        onChange: onPrediction,
      });
    } else {
      widget = new ChoicePrediction(options(s), onPrediction);
    }
    el.predict.replaceChildren(widget.element);
    widget.draw?.();
    renderWhere();
    renderList();
    mark('lectureStep', s.id);
    panel.dataset.step = s.id;
    setPhase('predict');
    loadSettings(s);
    if (focus) el.question.focus({ preventScroll: false });
  }

  /** Loads a step's settings: the demo (paused at epoch 0), the experiment's spec, or nothing for the lab. */
  function loadSettings(s) {
    settingsReady = true;
    if (s.demo) {
      if (!page.demos.load(s.demo, { play: false, card: false })) {
        page.demos.release();
        if (page.compare.active) page.compare.stop();
        if (!state.config) page.config.setConfig(clone(state.defaults), true);
        el.running.textContent = `This step's demo "${s.demo}" is not among the lecture demos (presets/lecture.json); go on with Next step.`;
        el.after.hidden = false;
        el.tryIt.hidden = true;
      }
      return;
    }
    page.demos.release();
    if (page.compare.active) page.compare.stop();
    if (!state.config) page.config.setConfig(clone(state.defaults), true);
    page.toolbar.command('pause');
    page.tabs.show('main');
    if (s.experiment) {
      const t = ticket;
      settingsReady = false;
      setPhase('predict');
      el.running.textContent = 'Loading the experiment…';
      page.experiments.loadPreset(s.experiment).then(async (ok) => {
        // The sweep runs over the config in force: the preset's, once the worker has applied it.
        if (ok) await core.sync(postB);
        if (t !== ticket) return;
        settingsReady = ok;
        el.running.textContent = ok ? '' : `This step's experiment "${s.experiment}" could not be loaded.`;
        setPhase('predict');
      });
    }
  }

  // ---- running and judging ----

  async function start(skipped) {
    if (phase !== 'predict' || !runnable()) return;
    if (skipped) prediction = 'skipped';
    if (prediction === null) return;
    const s = step();
    const t = ticket;
    running = { ticket: t, kind: s.demo ? 'demo' : s.experiment ? 'experiment' : 'lab', synced: false };
    setPhase('running');
    el.running.tabIndex = -1;
    el.running.textContent = 'Running…';
    el.running.focus({ preventScroll: true });
    try {
      if (s.demo) {
        page.toolbar.command('play');
        // Every snapshot of an earlier run is in before the pong: from here on they are this run's.
        await core.sync(postB);
        if (t !== ticket) return;
        running.synced = true;
        checkDemoDone();
      } else if (s.experiment) {
        page.tabs.show('experiments');
        el.running.textContent = 'Running the sweep in the Experiments tab…';
        const ended = await page.experiments.runToEnd();
        if (t !== ticket) return;
        if (!ended) throw new Error('the sweep did not start');
        const preset = page.experiments.preset(s.experiment);
        const { values, records } = page.experiments.figures();
        const sweep = await core.sweep(postB, values, records, preset?.metric ?? 'error');
        if (t !== ticket) return;
        await judge({ a: null, b: null, sweep, lab: null }, sweep.val);
      } else {
        el.running.textContent = 'Computing the Init lab…';
        const lab = s.lab;
        page.initLab.run({ lab_init: lab.init, lab_activation: lab.activation, lab_depth: lab.depth, lab_width: lab.width });
        page.tabs.show('lab');
      }
    } catch (e) {
      if (t === ticket) fail(e);
    }
  }

  function fail(e) {
    el.running.textContent = `The step could not be judged: ${e.message}.`;
    running = null;
    setPhase('predict');
  }

  /** Whether a run's newest snapshot says it ended (stop epoch, early stopping or divergence). */
  const ended = (m) => Boolean(m && !m.playing && (m.atStopEpoch || m.stopped || m.diverged));

  /** Called on every snapshot of B's worker and A's: the demo's run is judged once both ended. */
  function checkDemoDone() {
    if (phase !== 'running' || running?.kind !== 'demo' || !running.synced) return;
    const b = state.latest;
    const stop = page.demos.current?.stop;
    if (b && stop) el.running.textContent = `Running… epoch ${b.epoch} of ${stop}${page.compare.active ? ` (A at ${page.compare.latest?.epoch ?? 0})` : ''}.`;
    if (!ended(b)) return;
    if (page.compare.active && !ended(page.compare.latest)) return;
    const t = running.ticket;
    running = null;
    setPhase('judging');
    (async () => {
      const sideB = await core.side(postB);
      const sideA = page.compare.active ? await core.side(postA) : null;
      if (t !== ticket) return;
      await judge({ a: sideA, b: sideB, sweep: null, lab: null }, sideB?.val_loss_curve ?? null);
    })().catch((e) => {
      if (t === ticket) fail(e);
    });
  }

  /** The lab answered: judged when it is this step's lab. */
  function onLabResult(msg) {
    const s = step();
    if (phase !== 'running' || running?.kind !== 'lab' || !msg.result) return;
    const r = msg.result;
    if (r.depth !== s.lab.depth || r.width !== s.lab.width || String(r.init) !== s.lab.init || String(r.activation) !== s.lab.activation) return;
    const t = running.ticket;
    running = null;
    setPhase('judging');
    (async () => {
      const lab = await core.lab(postB, r);
      if (t !== ticket) return;
      await judge({ a: null, b: null, sweep: null, lab }, null);
    })().catch((e) => {
      if (t === ticket) fail(e);
    });
  }

  /** Asks the core which choice happened and shows the reveal. */
  async function judge(figures, realCurve) {
    const s = step();
    const t = ticket;
    const outcome = await core.outcome(postB, s.outcome, figures);
    if (t !== ticket) return;
    store.record(s.id, prediction, outcome.choice);
    const reveal = buildReveal(s, prediction, outcome, options(s));
    el.live.replaceChildren(reveal);
    el.running.textContent = '';
    if (widget instanceof Sketch && realCurve) widget.showReal(Array.from(realCurve), s.experiment ? 'the medians across seeds' : 'what happened');
    if (widget instanceof ChoicePrediction) markChoices(widget, prediction, outcome.choice);
    setPhase('reveal');
    renderList();
    mark('lectureRevealed', s.id);
    const evidence = await outlineEvidence(s.evidence, (tab) => page.tabs.show(tab), reveal);
    if (t !== ticket) return;
    if (evidence) mark('lectureOutlined', s.id);
    reveal.focus({ preventScroll: true });
  }

  /** Marks, in words, which choice happened and which was predicted. */
  function markChoices(w, predicted, happened) {
    for (const input of w.inputs) {
      const label = input.parentElement;
      label.querySelector('.path-choice-mark')?.remove();
      const words = [];
      if (input.value === happened) words.push('what happened');
      if (input.value === predicted) words.push(predicted === happened ? 'your prediction, right' : 'your prediction, wrong');
      if (words.length) {
        const m = document.createElement('span');
        m.className = `path-choice-mark ${input.value === happened ? 'happened' : 'missed'}`;
        m.textContent = ` ← ${words.join('; ')}`;
        label.append(m);
      }
    }
  }

  // ---- moving around ----

  function goTo(id, opts = { focus: true }) {
    const i = steps.findIndex((s) => s.id === id);
    if (i < 0) return;
    showPath();
    loadStep(i, opts);
  }

  function nextStep() {
    if (index + 1 >= steps.length) {
      showSummary();
      return;
    }
    loadStep(index + 1, { focus: true });
  }

  function tryIt() {
    setPhase('explore');
    el.exploringText.textContent = `You are exploring step ${index + 1} (${step().title}): every knob is free.`;
    clearEvidence();
    el.back.focus();
  }

  function backToPath() {
    setPhase(el.live.firstChild ? 'reveal' : 'predict');
    if (phase === 'reveal') outlineEvidence(step().evidence, (tab) => page.tabs.show(tab), el.live.firstChild);
    el.question.focus();
  }

  function showPath() {
    hidePageView();
    open = true;
    panel.hidden = false;
    document.body.classList.add('lecture-open');
    store.setOpen(true);
    byId('lecture-open').setAttribute('aria-expanded', 'true');
    mark('lecture', 'open');
  }

  /** Opens the path at the kept step (the top bar's button). */
  function openPath() {
    showPath();
    loadStep(index, { focus: true });
  }

  function closePath() {
    open = false;
    ticket += 1;
    running = null;
    panel.hidden = true;
    document.body.classList.remove('lecture-open');
    store.setOpen(false);
    clearEvidence();
    byId('lecture-open').setAttribute('aria-expanded', 'false');
    mark('lecture', 'closed');
    page.config.writeHash();
    byId('lecture-open').focus();
  }

  function hidePageView() {
    pageView = null;
    el.summary.hidden = true;
    el.lecturer.hidden = true;
    document.body.classList.remove('lecture-page-view', 'summary-open');
  }

  function showPageView(which) {
    pageView = which;
    document.body.classList.add('lecture-page-view');
    document.body.classList.toggle('summary-open', which === 'summary');
    el.summary.hidden = which !== 'summary';
    el.lecturer.hidden = which !== 'lecturer';
    mark('lecture', which);
  }

  function showSummary() {
    if (!state.config) page.config.setConfig(clone(state.defaults), true);
    showPageView('summary');
    const heading = renderSummary(el.summary, steps, store.progress.results, { onBack: leavePageView });
    writeHash();
    heading.focus();
  }

  function showLecturer() {
    if (!state.config) page.config.setConfig(clone(state.defaults), true);
    showPageView('lecturer');
    const heading = renderLecturer(el.lecturer, steps, sections, { onBack: leavePageView });
    writeHash();
    heading.focus();
  }

  function leavePageView() {
    showPath();
    loadStep(index, { focus: true });
  }

  // ---- the address ----

  /** Whether the path decides the address (it shows, and the student is not exploring). */
  const ownsHash = () => pageView !== null || (open && phase !== 'explore');

  function currentHash() {
    if (pageView === 'lecturer') return '#lecture=all';
    return stepHash(step().id);
  }

  function writeHash() {
    if (!state.defaults) return;
    page.config.writeHash();
  }

  /**
   * Reads a hash: `#lecture=STEP` opens the path at that step, `#lecture=all` the lecturer view,
   * `#lecture=unknown` the path with a message naming the step list. On the page's first load an
   * empty hash opens the path when this browser has no progress kept or kept it open. Returns
   * whether the path took the hash (the config flow then reads nothing).
   */
  function takeHash(hash, first) {
    const parsed = lectureFromHash(hash);
    if (parsed) {
      if (parsed.id === 'all') {
        hidePanelForView();
        showLecturer();
        return true;
      }
      const i = steps.findIndex((s) => s.id === parsed.id);
      if (i < 0) {
        notes = [`The link names a step "${parsed.id.slice(0, 60)}" that the Lecture path does not have. Its ${steps.length} steps are in the step list below (${steps.map((s) => s.id).join(', ')}).`];
        renderNotes();
        showPath();
        loadStep(index, { focus: false });
        el.note.focus?.();
        return true;
      }
      showPath();
      renderNotes();
      loadStep(i, { focus: false });
      return true;
    }
    const bare = !hash || hash === '#';
    if (first && bare && opensOnBareAddress()) {
      showPath();
      renderNotes();
      loadStep(index, { focus: false });
      return true;
    }
    // A link with settings: it lands where it says, and the path gets out of the way.
    if (open) {
      open = false;
      panel.hidden = true;
      document.body.classList.remove('lecture-open');
      ticket += 1;
      running = null;
      mark('lecture', 'closed');
    }
    hidePageView();
    return false;
  }

  /** Whether a bare address opens the path: a first visit, or a path kept open. */
  function opensOnBareAddress() {
    return !embed && (!store.stored || store.progress.open);
  }

  function hidePanelForView() {
    open = false;
    panel.hidden = true;
    document.body.classList.remove('lecture-open');
  }

  const copy = (text, what) => copyText(page, text, what);

  // ---- wiring ----

  el.run.addEventListener('click', () => start(false));
  el.skip.addEventListener('click', () => start(true));
  el.next.addEventListener('click', nextStep);
  el.tryIt.addEventListener('click', tryIt);
  el.back.addEventListener('click', backToPath);
  byId('lecture-open').addEventListener('click', () => (open && pageView === null ? el.question.focus() : openPath()));
  byId('path-close').addEventListener('click', closePath);
  byId('path-summary').addEventListener('click', showSummary);
  byId('path-lecturer').addEventListener('click', showLecturer);
  byId('path-copy-link').addEventListener('click', () => copy(stepLink(location.href, step().id), 'link to this step'));
  byId('path-embed-link').addEventListener('click', () => copy(stepLink(location.href, step().id, { embed: true }), 'embed link of this step'));
  el.toggleSteps.addEventListener('click', () => {
    const show = el.nav.hidden;
    el.nav.hidden = !show;
    el.toggleSteps.setAttribute('aria-expanded', String(show));
  });
  renderNotes();
  // A reveal's evidence stays in view when the window changes size (a phone turned, a resize).
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (!open || phase !== 'reveal') return;
      const ev = document.querySelector('[data-lecture-evidence="true"]');
      if (ev) bringIntoView(ev, el.live.firstChild);
    }, 150);
  });

  return {
    takeHash,
    opensOnBareAddress,
    /** Whether the address is the path's (`hash()`), not the config's. */
    get ownsHash() {
      return ownsHash();
    },
    hash: currentHash,
    onSnapshot: checkDemoDone,
    onCompareChange: checkDemoDone,
    onLabResult,
    onReply: (msg) => core.onReply(msg),
    open: openPath,
    close: closePath,
    steps,
    get phase() {
      return phase;
    },
    /** Whether training waits for the student's prediction (Play and Step are held until then). */
    get holdsTraining() {
      return open && phase === 'predict';
    },
  };
}

