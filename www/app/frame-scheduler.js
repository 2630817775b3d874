// Owns drawing: at most once per animation frame, from the newest snapshot only. Each kind of
// drawing has a minimum interval, the heavy views take turns (one per frame), views on a hidden
// tab do not draw (their flags stay set for when the tab shows), and whatever waits draws a
// little later even if no new snapshot arrives.

import { bump } from './test-markers.js';

/**
 * A spiral epoch can end 150 times a second, and redrawing the charts (axes, text) that often kept
 * the main thread busy with long tasks: the minimum interval of each kind, in milliseconds.
 */
const MIN_INTERVAL_MS = { figures: 100, curves: 250, boundary: 100, grid: 250, confusion: 250, weights: 250, preview: 0, signals: 250, layers: 50, network: 100 };


/** Returns {request()}: asks for a frame; `page` holds state, views, status and compare. */
export function createFrameScheduler(page) {
  const lastDrawn = {};
  let pending = false;
  let retryTimer = null;
  /** Which heavy view drew last, so that they take turns. */
  let turn = 0;

  function request() {
    if (!pending) {
      pending = true;
      requestAnimationFrame(frame);
    }
  }

  /** Whether `kind` may draw now; records the time when it may. */
  function due(kind, now) {
    if (now - (lastDrawn[kind] ?? -Infinity) < MIN_INTERVAL_MS[kind]) return false;
    lastDrawn[kind] = now;
    return true;
  }

  function frame(now) {
    pending = false;
    const { state, views, status, compare } = page;
    const d = state.dirty;
    const drawn = (kind) => {
      if (!d[kind] || !due(kind, now)) return false;
      d[kind] = false;
      return true;
    };
    if (drawn('figures')) status.renderFigures();
    if (d.best) {
      d.best = false;
      page.bestEpoch.render();
    }
    // The heavy views (charts, canvases, the layer rows) draw at most one per frame, taking turns:
    // drawing all of them in one frame made that frame a long task (layout and paint included).
    const heavy = [['curves', () => {
      views.curves.update(state.history);
      compare.render(state.history);
    }]];
    if (state.tab === 'main' && state.view === 'regions') heavy.push(['boundary', () => {
      views.boundary.draw();
      if (views.boundary.grid) bump('boundaryDraws');
    }]);
    if (state.tab === 'main' && state.view === 'signals') heavy.push(['signals', () => views.signals.draw()]);
    if (state.tab === 'main' && state.view === 'images') {
      heavy.push(['grid', () => views.grid.draw()], ['confusion', () => views.confusion.draw()], ['weights', () => views.weights.draw()], ['preview', () => views.preview.draw()]);
    }
    if (state.tab === 'network') {
      d.network = d.network || views.network.dirty;
      heavy.push(['network', () => {
        views.network.draw();
        bump('networkDraws');
      }]);
    }
    if (state.tab === 'layers') {
      d.layers = d.layers || views.layers.dirty;
      heavy.push(['layers', () => views.layers.draw()]);
    }
    // The init lab draws first: it is cheap when unchanged, and no other view delays it.
    if (state.tab === 'lab') views.initLab.draw();
    for (let i = 0; i < heavy.length; i++) {
      const j = (turn + i) % heavy.length;
      if (drawn(heavy[j][0])) {
        heavy[j][1]();
        turn = j + 1;
        break;
      }
    }
    const waiting = heavy.some(([kind]) => d[kind]) || d.figures;
    if (waiting && retryTimer === null) {
      retryTimer = setTimeout(() => {
        retryTimer = null;
        request();
      }, heavy.some(([kind]) => d[kind] && now - (lastDrawn[kind] ?? -Infinity) >= MIN_INTERVAL_MS[kind]) ? 0 : 60);
    }
  }

  return { request };
}
