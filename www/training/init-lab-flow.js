// Owns the Init lab tab's traffic with the worker: the lab's settings are config fields (so the
// link keeps them) whose change restarts nothing, and at most one lab run is in flight with at
// most one waiting behind it — the newest request — however often the user clicks or switches
// tabs. The view itself is www/plots/init-lab.js.

import { byId } from '../app/dom.js';
import { clone } from '../app/json-values.js';
import { InitLab } from '../plots/init-lab.js';

export function createInitLabFlow(page) {
  const { state } = page;
  /** The id of the run in flight (0: none) and the newest config waiting behind it. */
  let inFlight = 0;
  let waiting = null;
  let lastId = 0;

  const view = new InitLab(
    {
      init: byId('lab-init'), activation: byId('lab-activation'), depth: byId('lab-depth'), width: byId('lab-width'),
      run: byId('lab-run'), quick: [...document.querySelectorAll('.lab-quick button')], busy: byId('lab-busy'),
      summary: byId('lab-summary'), chart: byId('lab-chart'), rows: byId('lab-rows'),
    },
    (settings) => {
      if (!state.config) return;
      // The worker runs the lab between two training chunks (training waits meanwhile).
      const config = { ...state.config, ...settings };
      page.config.applyEdit(config);
      view.setBusy(true);
      waiting = clone(config);
      send();
    },
  );

  function send() {
    if (inFlight !== 0 || waiting === null) return;
    lastId += 1;
    inFlight = lastId;
    page.worker.post({ type: 'init-lab', id: inFlight, config: waiting });
    waiting = null;
  }

  /** The worker's answer to a lab run. */
  function onResult(msg) {
    if (msg.id !== inFlight) return;
    inFlight = 0;
    if (waiting !== null) {
      // A newer request came meanwhile: its result is the one to show.
      send();
      return;
    }
    if (msg.error) view.setError(msg.error);
    else view.setResult(msg.result, msg.ms);
    page.frames.request();
  }

  return {
    view,
    onResult,
    /** Runs the lab for these lab settings ({lab_init, lab_activation, lab_depth, lab_width}). */
    run(settings) {
      if (!state.config) return;
      view.setSettings({ ...state.config, ...settings });
      view.onRun(settings);
    },
    setFields: (fields) => view.setFields(fields),
    /** The tab opened: show the lab settings in force, and run the lab once if it never ran. */
    open() {
      if (!state.config) return;
      view.setSettings(state.config);
      if (!view.result && inFlight === 0) view.request();
    },
    /** A restarted worker lost the run in flight. */
    forget() {
      inFlight = 0;
      waiting = null;
      view.setBusy(false);
    },
  };
}
