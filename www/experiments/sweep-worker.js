// One worker of the Experiments pool (www/sweep-pool.js), separate from the interactive training
// worker: it owns one wasm `SweepSession` for the sweep it serves and trains the runs it is handed,
// one at a time, to their end. It posts a progress message at most every ~0.5 s and one small
// record (the core's JSON text, the same `overfit sweep` prints) per finished run: no snapshots,
// so the pool's throughput is the cores'. As the Experiments planner (planner.js) it answers
// `plan` (check and expand a spec), `schema` (the knobs), `summary` (the chart's medians and
// ranges, computed by the core), `ray` (the spec as a Ray Tune script) and `import-csv` (a sweep
// CSV read back and checked). Cancelling a sweep terminates the worker.

import { loadWasm } from '../wasm-loader.js';

/** Milliseconds between progress messages of a run. */
const PROGRESS_MS = 500;

let session = null;
let specText = null;
let memory = null;
/** The build www/wasm-loader.js chose (the same as the training worker's, so the same arithmetic
 * as `overfit sweep` on a CPU with the same fused multiply-add). */
let wasm = null;
const ready = loadWasm().then((loaded) => {
  ({ wasm, memory } = loaded);
  wasm.install_panic_hook();
});

function fail(error, extra = {}) {
  const panic = wasm?.last_panic?.();
  postMessage({ type: 'error', message: panic ?? String(error?.message ?? error), field: error?.field ?? null, ...extra });
}

/** Trains run `index` to its end; returns its record text. */
function runOne(index) {
  session.start(index);
  let last = performance.now();
  for (;;) {
    const done = session.advance(1);
    if (done) break;
    const now = performance.now();
    if (now - last >= PROGRESS_MS) {
      last = now;
      postMessage({ type: 'progress', index, epoch: session.epoch() });
    }
  }
  return session.record_json();
}

onmessage = async ({ data: msg }) => {
  await ready;
  try {
    if (msg.type === 'schema') {
      postMessage({ type: 'schema', id: msg.id, sweep: wasm.sweep_schema() });
    } else if (msg.type === 'summary') {
      postMessage({ type: 'summary', id: msg.id, cells: wasm.sweep_summary(msg.values, msg.series, msg.records) });
    } else if (msg.type === 'ray') {
      postMessage({ type: 'ray', id: msg.id, script: wasm.export_sweep_ray(msg.spec) });
    } else if (msg.type === 'import-csv') {
      postMessage({ type: 'import-csv', id: msg.id, imported: wasm.import_sweep_csv(msg.text) });
    } else if (msg.type === 'plan') {
      postMessage({ type: 'plan', id: msg.id, plan: wasm.sweep_runs(msg.spec) });
    } else if (msg.type === 'run') {
      if (msg.spec !== specText) {
        session?.free();
        session = new wasm.SweepSession(msg.spec);
        specText = msg.spec;
      }
      const t0 = performance.now();
      const record = runOne(msg.index);
      // The wasm memory after the run: flat once the largest run has been seen (the session and
      // its buffers are reused), which the memory test of a 200-run sweep checks.
      postMessage({ type: 'record', index: msg.index, record, ms: performance.now() - t0, wasmBytes: memory.buffer.byteLength });
    }
  } catch (e) {
    fail(e, { id: msg.id, index: msg.index });
  }
};
