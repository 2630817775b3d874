// The Web Worker side of bench/browser.mjs: loads one build of pkg/ through www/wasm-loader.js,
// as www/worker.js does (`want`: 'separate' or 'fused'), and times the benchmark workloads through the same `Bench` and
// `TrainerBench` handles as bench/overfit-wasm.mjs, with the timing protocol of
// bench/common.mjs (warm-up, calibration, median of the timed runs; wall clock only, since a
// worker has no process CPU time).

import { loadWasm } from '/www/wasm-loader.js';
import { timeSteps } from '/bench/common.mjs';

self.onmessage = async ({ data: { workloads, seed, opts, want } }) => {
  try {
    const { wasm, arithmetic } = await loadWasm({ want });
    const { Bench, TrainerBench } = wasm;
    const results = [];
    for (const [key, w] of Object.entries(workloads)) {
      const b = new Bench(w.features, new Uint32Array(w.hidden), w.classes, w.batch, seed);
      let loss = 0;
      const t = timeSteps((n) => {
        loss = b.run(n);
      }, opts);
      results.push({ workload: key, ...t, gflops: (t.steps_per_sec * b.flops_per_step()) / 1e9, ms_per_step: 1e3 / t.steps_per_sec, last_loss: loss });
      b.free();
    }
    const tb = new TrainerBench('{}');
    const t = timeSteps((n) => tb.run(n), opts);
    results.push({ workload: 'page-default', ...t, gflops: (t.steps_per_sec * tb.flops_per_step()) / 1e9, ms_per_step: 1e3 / t.steps_per_sec });
    tb.free();
    self.postMessage({ results, arithmetic, userAgent: navigator.userAgent });
  } catch (e) {
    self.postMessage({ error: String(e && e.stack ? e.stack : e) });
  }
};
