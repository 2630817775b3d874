// Owns every marker the page writes on <body> for scripts and tests (data-* attributes): what
// each one means, in one place. Nothing in the page reads them back.
//
//   data-ready        "true" once the worker's first message built the controls
//   data-applied      how many configs the worker has accepted so far
//   data-result       the last accepted config's effect: rebuilt | updated | unchanged
//   data-run          the worker's run number (it grows on rebuild and reset)
//   data-step         the step count of the newest snapshot, before any drawing is throttled
//   data-wasm-bytes   the size of the training worker's wasm memory
//   data-playing      "true" while training plays
//   data-view         regions | images | signals: what the Data tab shows
//   data-tab          main | layers | lab | runs
//   data-val-count    validation images of an image dataset
//   data-fault        fatal | silent while the training worker has failed
//   data-restarts     how many times the training worker was restarted
//   data-restored     the epoch "Restore best" restored
//   data-saved-runs   runs kept in this browser
//   data-compare      "on" while Compare A/B runs
//   data-compare-step A's newest step while comparing
//   data-compare-hold the pacing limits sent to A and B ("a,b", '-' for none)
//   data-lab-busy     "true" while the init lab computes
//   data-lab-runs     how many init-lab results were drawn
//   data-demo         the id of the lecture demo showing
//   data-network-draws how many times the Network tab drew new unit maps
//   data-plot-mode    classes | surface | curve | signals: how the Data tab draws the data
//   data-boundary-draws how many times the plane view drew a new prediction (grid or curve)
//   data-sweep-ready  "true" once the Experiments tab has the core's knobs
//   data-sweep        running | done | cancelled: the sweep shown
//   data-sweep-runs, data-sweep-records  its runs, and the records received
//   data-sweep-ms     the wall time of the last finished sweep
//   data-sweep-left-ms the running sweep's estimated time left ('' before there is an estimate)
//   data-sweep-error  the spec field the core refused
//   data-sweep-origin browser | imported: where the runs of the sweep shown were computed
//   data-sweep-compared "true" while an imported sweep is drawn beside the browser's own
//   data-sweep-opened the run whose curves are open
//   data-sweep-draws  how many times the sweep chart drew
//   data-sweeps-kept  sweeps kept in this browser
//   data-sweep-wasm-bytes the largest wasm memory of a pool worker during the sweep
//   data-arithmetic   fused | separate: the arithmetic of the wasm build the worker loaded
//   data-lecture      open | closed | summary | lecturer: what the Lecture path shows
//   data-lecture-step the id of the path's step showing
//   data-lecture-phase predict | running | judging | reveal | explore: where the step is
//   data-lecture-revealed, data-lecture-outlined the last step revealed, and whose evidence is outlined

const body = () => document.body.dataset;

/** Sets a marker (camelCase name, as in `dataset`). */
export function mark(name, value) {
  body()[name] = String(value);
}

/** Adds one to a counting marker. */
export function bump(name) {
  body()[name] = String(Number(body()[name] || 0) + 1);
}

/** Removes a marker. */
export function unmark(name) {
  delete body()[name];
}
