// Owns the middle panel's tabs (Data, Layers, Init lab, Runs) and, inside the Data tab, the switch
// between decision regions (2D data), the image views and the signals per class (mnist1d).

import { byId } from './dom.js';
import { mark } from './test-markers.js';

const TITLES = { network: 'Network', layers: 'Layers', lab: 'Init lab', runs: 'Recent runs', experiments: 'Experiments' };

/** Returns {show(tab), setView(view, shape)} and wires the tab buttons. */
export function createTabs(page) {
  const { ui, state } = page;
  const tabs = [...document.querySelectorAll('.tabs [role="tab"]')];
  for (const t of tabs) t.tabIndex = t.getAttribute('aria-selected') === 'true' ? 0 : -1;

  function title() {
    const plane = { curve: 'Fitted function', surface: 'Predicted value' }[state.plotMode] ?? 'Decision regions';
    return TITLES[state.tab] ?? ({ images: 'Images', signals: 'Signals' }[state.view] ?? plane);
  }

  function show(next) {
    state.tab = next;
    for (const t of tabs) {
      t.setAttribute('aria-selected', String(t.dataset.tab === next));
      t.tabIndex = t.dataset.tab === next ? 0 : -1;
    }
    byId('network-view').hidden = next !== 'network';
    // The worker computes the unit maps only while the Network tab shows.
    page.worker.post({ type: 'views', network: next === 'network' });
    byId('layers-view').hidden = next !== 'layers';
    byId('lab-view').hidden = next !== 'lab';
    byId('runs-view').hidden = next !== 'runs';
    if (next === 'runs') page.runKeeper.render();
    byId('experiments-view').hidden = next !== 'experiments';
    if (next === 'experiments') page.experiments.open();
    else page.experiments.writeHash();
    const main = next === 'main';
    ui.regionsView.hidden = !main || state.view !== 'regions';
    ui.imagesView.hidden = !main || state.view !== 'images';
    ui.signalsView.hidden = !main || state.view !== 'signals';
    mark('tab', next);
    ui.viewTitle.textContent = title();
    if (next === 'lab') page.initLab.open();
    page.views.layers.dirty = true;
    page.views.initLab.dirty = Boolean(page.views.initLab.result);
    Object.assign(state.dirty, { boundary: true, grid: true, confusion: true, weights: true, preview: true, signals: true, curves: true, network: true });
    page.frames.request();
  }

  /**
   * Switches the Data tab between decision regions ('regions'), the image views ('images', with
   * `shape`) and the signals per class ('signals').
   */
  function setView(view, shape = null) {
    if (shape) {
      const { width, height, channels, train, val } = shape;
      ui.imagesView.dataset.shape = `${width}x${height}x${channels}`;
      ui.imagesView.title = `${width}×${height} ${channels === 3 ? 'colour' : 'grey'} images: ${train} for training, ${val} for validation.`;
    }
    if (state.view === view) return;
    state.view = view;
    ui.regionsView.hidden = view !== 'regions' || state.tab !== 'main';
    ui.imagesView.hidden = view !== 'images' || state.tab !== 'main';
    ui.signalsView.hidden = view !== 'signals' || state.tab !== 'main';
    if (state.tab === 'main') ui.viewTitle.textContent = title();
    mark('view', view);
  }

  // The WAI-ARIA tabs pattern: one tab in the tab order (the selected one), arrow keys move
  // between tabs and select them, Home and End go to the first and last.
  function keyTarget(key, i) {
    if (key === 'ArrowRight') return (i + 1) % tabs.length;
    if (key === 'ArrowLeft') return (i - 1 + tabs.length) % tabs.length;
    if (key === 'Home') return 0;
    if (key === 'End') return tabs.length - 1;
    return null;
  }
  for (const [i, t] of tabs.entries()) {
    t.addEventListener('click', () => show(t.dataset.tab));
    t.addEventListener('keydown', (event) => {
      const j = keyTarget(event.key, i);
      if (j === null) return;
      event.preventDefault();
      tabs[j].focus();
      show(tabs[j].dataset.tab);
    });
  }
  /** Shows the title again (the plane view's kind changed with the data). */
  function refreshTitle() {
    ui.viewTitle.textContent = title();
  }

  return { show, setView, refreshTitle };
}
