// Owns the best epoch (the one with the lowest validation loss, early stopping's restore point):
// its figure in the status, its marker on the curves and the "Restore best" button, and, after a
// restore, which epoch's weights are now in the network. A run whose best epoch never left
// chance level offers no best epoch.

import { $ } from '../app/dom.js';

/** A best epoch is offered only when its validation accuracy beats chance by this many points. */
const ABOVE_CHANCE_POINTS = 2;

export function createBestEpoch(page) {
  const { ui, state } = page;
  const weightsEpoch = $('weights-epoch');
  /** The epoch whose weights "Restore best" put back, until training moves on. */
  let restored = null;
  ui.restoreBest.addEventListener('click', () => page.worker.post({ type: 'restore-best' }));

  /**
   * The best epoch worth offering: null while none, or while it is still at chance level (unless
   * early stopping already restored it: then it is what the network holds).
   */
  function offered() {
    const best = state.bestEpoch;
    if (best === null) return null;
    if (state.latest?.stopped) return best;
    const h = state.history;
    const i = h.epoch.lastIndexOf(best);
    // Chance is one class in `classes` guessed at random, or for regression R² = 0 (the mean).
    const chance = state.regression ? 0 : state.classes > 0 ? 100 / state.classes : 0;
    if (i >= 0 && !(h.valScore[i] > chance + ABOVE_CHANCE_POINTS)) return null;
    return best;
  }

  function renderRestored() {
    weightsEpoch.hidden = restored === null;
    weightsEpoch.textContent = restored === null ? '' : ` · weights of epoch ${restored}`;
    weightsEpoch.dataset.value = restored === null ? '' : String(restored);
  }

  return {
    render() {
      const best = offered();
      const chanceOnly = best === null && state.bestEpoch !== null;
      ui.bestEpoch.textContent = best === null ? (chanceOnly ? 'Best epoch – (still at chance)' : 'Best epoch –') : `Best epoch ${best}`;
      ui.bestEpoch.dataset.value = best === null ? '' : String(best);
      ui.restoreBest.disabled = best === null;
      page.views.curves.setMarker(best);
    },
    /** The worker restored the best epoch's weights (`epoch`, or null when there was none). */
    onRestored(epoch) {
      restored = epoch;
      renderRestored();
    },
    /** Training moved on (or a new run began): the network holds its own weights again. */
    clearRestored() {
      if (restored === null) return;
      restored = null;
      renderRestored();
    },
  };
}
