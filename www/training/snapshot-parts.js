// Owns reading the wasm Session's results into the plain objects and transferable buffers of
// the worker's snapshots: training reports and epoch records, the image views, the per-layer
// statistics and the Network tab's unit maps. No training state lives here (see worker.js).

/** Validation images shown in the image grid, and first-layer units drawn as weight images. */
export const GRID_IMAGES = 48;
const WEIGHT_TILES = 32;
/** The Network tab's unit maps: grid cells per side and units per column. */
const NETWORK_RES = 32;
const NETWORK_UNITS = 12;

/** Copies a typed array unless it already owns its whole buffer, so transferring it is safe. */
export function owned(array) {
  return array.byteOffset === 0 && array.buffer.byteLength === array.byteLength ? array : array.slice();
}

/** Reads the report of `Session.run` into a plain object (it may be a wasm-bindgen class). */
export function readReport(r) {
  const evals = Array.from(r.evals ?? [], readEval);
  const out = {
    step: r.step, epoch: r.epoch, epochFloat: r.epoch_float, stepsPerEpoch: r.steps_per_epoch,
    batchLoss: r.batch_loss, diverged: Boolean(r.diverged), stopped: Boolean(r.stopped),
    diverged_at_step: r.diverged_at_step ?? null, best_epoch: r.best_epoch ?? null, atStopEpoch: Boolean(r.at_stop_epoch), evals,
  };
  if (typeof r.free === 'function') r.free();
  return out;
}

/** One epoch record as a plain object (members_val_score and members_val_loss are empty for a single model). */
export function readEval(e) {
  return {
    epoch: e.epoch, step: e.step, train_loss: e.train_loss, train_score: e.train_score, val_loss: e.val_loss, val_score: e.val_score,
    lr: e.lr, members_val_score: Array.from(e.members_val_score ?? []), members_val_loss: Array.from(e.members_val_loss ?? []),
    // Regression only: the root mean squared error of each split.
    ...(e.train_rmse == null ? {} : { train_rmse: e.train_rmse, val_rmse: e.val_rmse }),
  };
}

/**
 * Adds the image views to a snapshot, all from one core call over the validation split: class
 * probabilities of the images the grid shows (`valProbs`), the validation confusion matrix and the
 * first layer's weights of up to WEIGHT_TILES units, one image per unit (`weights`, `weightUnits`,
 * `weightTotal`, `weightsOutput`).
 */
export function imageViews(session, msg, transfer) {
  const v = session.image_views(GRID_IMAGES, WEIGHT_TILES);
  msg.valProbs = owned(v.valProbs);
  msg.confusion = owned(v.confusion);
  msg.weights = owned(v.weights);
  msg.weightUnits = v.weightUnits;
  msg.weightTotal = v.weightTotal;
  msg.weightsOutput = v.weightsOutput;
  transfer.push(msg.valProbs.buffer, msg.confusion.buffer, msg.weights.buffer);
}

/**
 * Adds the per-layer statistics of the probe batch to a snapshot: `layers` holds one small object
 * per hidden layer ({layer, activation, pre, act, grad}, each {mean, std, saturated, dead, zeros, lo, hi}),
 * and `layerCounts` all histogram counts in one transferred buffer, layer by layer, in the order
 * pre-activation, activation, gradient, `layerBins` counts each.
 */
export function layerStats(session, msg, transfer) {
  const views = Array.from(session.layer_stats() ?? []);
  const bins = views.length > 0 ? views[0].pre.hist.counts.length : 0;
  const counts = new Float32Array(views.length * 3 * bins);
  msg.layers = views.map((v, i) => {
    const part = (s, j) => {
      counts.set(s.hist.counts, (i * 3 + j) * bins);
      return { mean: s.mean, std: s.std, saturated: s.saturated, dead: s.dead, zeros: s.zeros, lo: s.hist.lo, hi: s.hist.hi };
    };
    return { layer: v.layer, activation: v.activation, pre: part(v.pre, 0), act: part(v.act, 1), grad: part(v.grad, 2) };
  });
  msg.layerBins = bins;
  msg.layerCounts = counts;
  transfer.push(counts.buffer);
}

/**
 * Adds the Network tab's data to a snapshot: the core's unit maps over the plane, with the maps,
 * their statistics and the weights between the shown units as transferred buffers.
 */
export function networkMaps(session, msg, transfer) {
  const m = session.unit_maps(NETWORK_RES, NETWORK_UNITS);
  if (!m) return;
  const layers = Array.from(m.layers, (l) => ({ ...l, names: l.names ? Array.from(l.names) : null }));
  msg.network = { res: m.res, layers, maps: owned(m.maps), stats: owned(m.stats), weights: owned(m.weights) };
  transfer.push(msg.network.maps.buffer, msg.network.stats.buffer, msg.network.weights.buffer);
}
