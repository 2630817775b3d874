// Owns the running sweep's progress and the estimate of its time left: each run weighed by the
// work the core estimates for it (`cost`, src/sweep/spec.rs `training_cost`: a width-400 run
// counts for far more than a width-2 one), finished runs whole and running ones by their epoch.
// Pure, so the Node tests import it.

/**
 * The fraction of the sweep's work done and the time left: `runs` as the core planned them
 * ({cost, config: {epochs}}), `records` the finished runs ({run}), `progress` a Map from a
 * running run's index to its epoch, `elapsedMs` the time since the sweep started. The time left
 * is the elapsed time scaled by the work left over the work done (null until 1 % of the work
 * and 2 s have passed, when an estimate would be noise).
 */
export function sweepProgress({ runs, records, progress, elapsedMs }) {
  const costOf = (i) => {
    const c = runs[i]?.cost;
    return Number.isFinite(c) && c > 0 ? c : 1;
  };
  let total = 0;
  for (let i = 0; i < runs.length; i++) total += costOf(i);
  const finished = new Set(records.map((r) => r.run));
  let done = 0;
  for (const i of finished) done += costOf(i);
  for (const [i, epoch] of progress) {
    if (finished.has(i)) continue;
    const epochs = runs[i]?.config?.epochs;
    if (Number.isFinite(epochs) && epochs > 0) done += costOf(i) * Math.min(1, Math.max(0, epoch / epochs));
  }
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const leftMs = fraction >= 0.01 && elapsedMs >= 2000 && fraction < 1 ? (elapsedMs * (1 - fraction)) / fraction : null;
  return { fraction, leftMs };
}

/** "about 40 s left", "about 3 min left", "about 1 h 5 min left". */
export function formatLeft(ms) {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `about ${Math.max(5, Math.round(s / 5) * 5)} s left`;
  const min = Math.round(s / 60);
  if (min < 60) return `about ${min} min left`;
  return `about ${Math.floor(min / 60)} h ${min % 60} min left`;
}
