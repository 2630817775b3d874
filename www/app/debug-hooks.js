// Owns `window.overfitDebug`, the hooks the reliability and end-to-end tests use
// (tests/e2e/): a message straight to the worker (e.g. {type: 'debug-panic'}), a promise that
// resolves once the worker handled every earlier message, and the sizes and first values of the
// page's bounded curves. Nothing in the page uses them.

export function createDebugHooks(page) {
  const pongs = new Map();
  let pingId = 0;
  window.overfitDebug = {
    post: (msg) => page.worker.post(msg),
    /** Resolves once the worker has handled every message sent before this call. */
    sync: () => new Promise((resolve) => {
      pingId += 1;
      pongs.set(pingId, resolve);
      page.worker.post({ type: 'ping', id: pingId });
    }),
    /** How many epochs the page's curves hold now (bounded, see curve-history.js). */
    sizes: () => ({ curveEpochs: page.state.history.length, layerEntries: page.views.layers.history.length, savedRuns: page.saved.runs.length }),
    /** The first `n` epochs of the current run's curves and of compare A's (validation loss). */
    curves: (n = 5) => ({
      b: page.state.history.valLoss.slice(0, n), a: page.compare.history.valLoss.slice(0, n),
      epochsA: page.compare.history.length, epochsB: page.state.history.length,
    }),
  };
  return {
    onPong(id) {
      pongs.get(id)?.();
      pongs.delete(id);
    },
  };
}
