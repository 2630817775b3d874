// Wires the page: creates the page state, the views, the training worker and the modules that
// each own one job (see ARCHITECTURE.md's code map), and connects them through one `page` object.
// No module logic lives here.

import { ui, byId, $ } from './app/dom.js';
import { createPageState } from './app/page-state.js';
import { Curves } from './plots/curves.js';
import { Boundary } from './plots/boundary.js';
import { ImageGrid } from './plots/image-grid.js';
import { ConfusionMatrix } from './plots/confusion.js';
import { WeightTiles } from './plots/weights.js';
import { AugmentPreview } from './plots/augment-preview.js';
import { SignalPanels } from './plots/signals.js';
import { LayersView } from './plots/layers.js';
import { NetworkView } from './plots/network.js';
import { UserImages } from './config/user-images.js';
import { TrainingWorker } from './training/worker-handle.js';
import { SavedRuns } from './runs/run-store.js';
import { Compare, wireCompareButton } from './compare/compare.js';
import { createFrameScheduler } from './app/frame-scheduler.js';
import { createStatus } from './app/status.js';
import { createTabs } from './app/tabs.js';
import { createConfigFlow } from './config/config-flow.js';
import { createWorkerMessages } from './training/on-worker-message.js';
import { createBestEpoch } from './training/best-epoch.js';
import { createToolbar } from './app/toolbar.js';
import { createRunKeeper } from './runs/run-keeper.js';
import { createDemos } from './lecture/demos.js';
import { createSharing } from './export/sharing.js';
import { createInitLabFlow } from './training/init-lab-flow.js';
import { createDebugHooks } from './app/debug-hooks.js';
import { wirePlaneOptions } from './app/plane-options.js';
import { createExperiments } from './experiments/experiments-view.js';
import { createLecturePath } from './lecture/path.js';
import { bump, mark, unmark } from './app/test-markers.js';

/** Every module reaches the others through this object; each entry is filled in below. */
const page = { ui, state: createPageState(), saved: new SavedRuns() };

page.views = {
  curves: new Curves(byId('loss-chart'), byId('acc-chart')),
  boundary: new Boundary(byId('boundary'), byId('boundary-legend')),
  grid: new ImageGrid(byId('val-grid'), $('grid-note')),
  confusion: new ConfusionMatrix(byId('confusion'), $('confusion-note')),
  weights: new WeightTiles(byId('weights'), $('weights-note')),
  preview: new AugmentPreview(byId('aug-preview'), $('preview-note')),
  signals: new SignalPanels(byId('signals'), $('signals-note')),
  layers: new LayersView(byId('layer-rows'), byId('layers-epoch'), byId('layers-epoch-label'), byId('layers-note')),
};
wirePlaneOptions(ui, page.views.boundary);
page.views.network = new NetworkView(byId('network-view'), { onRequestDraw: () => page.frames.request() });
page.frames = createFrameScheduler(page);
page.status = createStatus(page);
page.debug = createDebugHooks(page);
const dispatch = createWorkerMessages(page);

// The training worker; if it fails (a panic inside wasm, an uncaught error) or goes silent, the
// page says so and offers a restart that keeps the config (see training-worker.js).
page.worker = new TrainingWorker({
  onMessage: dispatch,
  onFault: ({ message, fatal }) => {
    const { state } = page;
    if (fatal) {
      page.runKeeper.flush('crashed');
      state.playing = false;
      mark('playing', false);
      ui.play.setAttribute('aria-pressed', 'false');
      page.initLab.forget();
    }
    state.fault = { message, fatal };
    mark('fault', fatal ? 'fatal' : 'silent');
    page.status.renderMessage();
  },
  onRecover: () => {
    page.state.fault = null;
    unmark('fault');
    page.status.renderMessage();
  },
});

/**
 * Replaces the training worker by a fresh one and gives it the config in force (and the user's
 * images, decoded again from the kept files). The curves of the failed run stay on screen until
 * the new run's first snapshot.
 */
page.restartWorker = () => {
  page.state.fault = null;
  unmark('fault');
  page.state.restarting = true;
  page.status.renderMessage();
  page.worker.restart();
  bump('restarts');
};

page.userImages = new UserImages(
  { folderInput: byId('user-folder'), filesInput: byId('user-files'), status: byId('user-status'), classList: byId('user-classes') },
  {
    settings: () => ({ size: page.state.config?.image_size ?? 16, color: Boolean(page.state.config?.color) }),
    onData: (data) => page.config.sendUserData(data),
  },
);

page.tabs = createTabs(page);
page.config = createConfigFlow(page);
page.bestEpoch = createBestEpoch(page);
page.toolbar = createToolbar(page);
page.runKeeper = createRunKeeper(page);
page.initLab = createInitLabFlow(page);
page.views.initLab = page.initLab.view;
page.demos = createDemos(page);
page.experiments = createExperiments(page);
page.lecture = createLecturePath(page);
createSharing(page);

const compareButton = wireCompareButton(page);
page.compareStart = compareButton.startComparison;
page.compare = new Compare(
  { root: byId('compare-panel'), diff: byId('compare-diff'), same: byId('compare-same'), figures: byId('compare-figures'), stop: byId('compare-stop') },
  {
    fields: () => page.state.fields ?? [],
    historyCapacity: () => page.state.schema.limits.history_capacity,
    speed: () => page.toolbar.speed,
    onChange: () => {
      page.state.dirty.curves = true;
      page.frames.request();
      page.lecture.onCompareChange();
    },
    onReply: (msg) => page.lecture.onReply(msg),
    postB: (msg) => page.worker.post(msg),
    onStop: () => compareButton.onStop(),
  },
);

// Moving the layer view's slider while paused brings no new snapshot, so it asks for a frame itself.
byId('layers-epoch').addEventListener('input', () => page.frames.request());

window.addEventListener('hashchange', () => {
  if (page.state.defaults && location.hash !== page.state.writtenHash) page.config.loadHash();
  page.status.renderMessage();
});

matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  const { views, state } = page;
  views.curves.restyle();
  views.curves.update(state.history);
  views.boundary.restyle();
  views.network.restyle();
  for (const view of [views.grid, views.confusion, views.weights, views.preview, views.signals]) {
    view.restyle();
    view.draw();
  }
});
