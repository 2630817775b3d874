// Owns keeping work: the run in progress is saved in this browser (www/saved-runs.js) every two
// seconds while it changes and when the page goes away; a page opened without a link comes back
// with the last settings and draws the last run in grey; and the Runs tab (www/runs-view.js) shows
// the kept runs with "Show curves", "Use settings" and "Clear history".

import { byId } from '../app/dom.js';
import { clearNotes } from '../app/page-state.js';
import { RunsView } from './runs-view.js';
import { runRecord } from './run-store.js';
import { mark } from '../app/test-markers.js';
import { parseHash, serializeHash } from '../config/url-hash.js';

export function createRunKeeper(page) {
  const { state, saved } = page;
  /** The run being kept: its id, start time, the worker generation and run number it belongs to. */
  const kept = { id: null, started: null, generation: -1, run: -1, dirty: false, status: 'paused', report: null };
  /** The saved run whose curves are drawn over the current ones, or null. */
  let shownRun = null;

  const view = new RunsView(
    { list: byId('runs-list'), note: byId('runs-note'), clear: byId('clear-history') },
    {
      onShow: (run) => show(shownRun?.id === run.id ? null : run),
      onUse: (run) => {
        clearNotes(state);
        state.notice = `Using the settings of the run from ${new Date(run.started).toLocaleString()}.`;
        page.status.renderMessage();
        const { given, config } = parseHash(`#${run.hash}`, state.schema);
        state.configSource = 'the kept run';
        page.config.setConfig(config, true, given);
      },
      onClear: () => {
        saved.clear();
        show(null);
        // The run in progress is forgotten too; it is kept again if it trains on.
        kept.dirty = false;
        render();
      },
    },
  );

  function render() {
    view.render(saved.runs, shownRun?.id ?? null, saved.problem);
    mark('savedRuns', saved.runs.length);
  }

  /** Draws a saved run's curves (grey) over the current ones; null removes them. */
  function show(run) {
    shownRun = run;
    if (!page.compare.active) page.views.curves.setOverlay(run ? { label: 'saved', kind: 'saved', history: run.curves, mainLabel: '' } : null);
    state.dirty.curves = true;
    page.frames.request();
    if (state.tab === 'runs') render();
  }

  /**
   * On a page opened without a link, the settings last used in this browser come back, and the
   * newest kept run (if it had these settings) is drawn in grey over the new run's curves.
   */
  function restoreSaved() {
    if (location.hash.length > 1) return;
    const hash = saved.loadConfig();
    if (!hash) {
      // A first visit: one clear hint where to start.
      state.notice = 'New here? Press Play to watch a network learn the spiral, or choose one of the Lecture demos above.';
      return;
    }
    history.replaceState(null, '', `#${hash}`);
    const last = saved.runs[0];
    state.notice = last && last.hash === hash
      ? 'Restored your last settings; your last run is drawn in grey (see the Runs tab).'
      : 'Restored the settings you last used in this browser.';
    if (last && last.hash === hash) show(last);
  }

  /** Follows the worker's snapshots: a new run starts a new kept entry, the old one is saved. */
  function keep(msg) {
    const generation = page.worker.generation;
    if (msg.run !== kept.run || generation !== kept.generation) {
      flush();
      Object.assign(kept, { id: `${Date.now().toString(36)}-${generation}-${msg.run}`, started: new Date().toISOString(), generation, run: msg.run, dirty: false });
    }
    if (msg.evals.length > 0 || msg.history) kept.dirty = true;
    kept.status = msg.diverged ? 'diverged' : msg.stopped ? 'stopped' : msg.playing ? 'training' : 'paused';
    kept.report = msg;
  }

  /** Saves the kept run if it changed and has at least one finished epoch. */
  function flush(status = null) {
    if (!kept.id || !kept.dirty || state.history.length === 0 || !state.applied) return;
    if (status) kept.status = status;
    kept.dirty = false;
    saved.save(runRecord({
      id: kept.id, started: kept.started, config: state.applied, hash: serializeHash(state.applied, state.fields),
      history: state.history, report: kept.report, status: kept.status, augmented: state.appliedFacts?.augmented,
      arithmetic: state.arithmetic,
    }));
    if (state.tab === 'runs') render();
    mark('savedRuns', saved.runs.length);
  }

  // Saved every two seconds while it changes, and when the page goes away.
  setInterval(() => flush(), 2000);
  addEventListener('pagehide', () => flush());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });

  return { render, show, restoreSaved, keep, flush, get shownRun() { return shownRun; } };
}
