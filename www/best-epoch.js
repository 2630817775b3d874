// Owns the best epoch (the one with the lowest validation loss, early stopping's restore point):
// its figure in the status, its marker on the curves and the "Restore best" button.

export function createBestEpoch(page) {
  const { ui, state } = page;
  ui.restoreBest.addEventListener('click', () => page.worker.post({ type: 'restore-best' }));
  return {
    render() {
      const best = state.bestEpoch;
      ui.bestEpoch.textContent = best === null ? 'Best epoch –' : `Best epoch ${best}`;
      ui.bestEpoch.dataset.value = best === null ? '' : String(best);
      ui.restoreBest.disabled = best === null;
      page.views.curves.setMarker(best);
    },
  };
}
