// The TensorFlow.js side of `npm run bench`: the benchmark workloads trained with tfjs 4.22 on
// the backend named by the first argument ("wasm": XNNPACK with SIMD, one thread; "cpu": plain
// JavaScript). Prints one JSON object on stdout.
//
// One step is what Overfit's step is: forward, softmax cross-entropy (batch mean), backward and
// a plain SGD update of every weight and bias, through `optimizer.minimize`.

// The union package: tfjs-core with its gradient functions registered (tfjs-core's own Node
// bundle has none), and the cpu backend.
import * as tf from '@tensorflow/tfjs';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import { WORKLOADS, LEARNING_RATE, SEED, flopsPerStep, makeRng, timeSteps } from './common.mjs';

const backend = process.argv[2] || 'wasm';
const only = process.argv[3] ? process.argv[3].split(',') : Object.keys(WORKLOADS);
const quick = process.env.BENCH_QUICK === '1';

if (backend === 'wasm') {
  // Node has no wasm threads in tfjs 4.22 (the flag is false there already); stating it makes
  // the choice explicit: the single-threaded SIMD binary, tfjs-backend-wasm-simd.wasm.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}
await tf.setBackend(backend);
await tf.ready();

const info = { engine: `tfjs-${backend}`, tfjs: tf.version_core, backend: tf.getBackend() };
if (backend === 'wasm') {
  info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  info.threads = tfwasm.getThreadsCount();
}

/** Builds the MLP of workload w and returns a function running n SGD steps. */
function build(w) {
  const rng = makeRng(SEED);
  const widths = [w.features, ...w.hidden, w.classes];
  const vars = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const [fanIn, fanOut] = [widths[l], widths[l + 1]];
    const std = Math.sqrt(2 / fanIn); // He initialization, as in Overfit's workload.
    const wv = Float32Array.from({ length: fanIn * fanOut }, () => rng.normal() * std);
    vars.push(tf.variable(tf.tensor2d(wv, [fanIn, fanOut]), true));
    vars.push(tf.variable(tf.zeros([fanOut]), true));
  }
  // Eight distinct batches, cycled, as in Overfit's workload.
  const pool = [];
  for (let k = 0; k < 8; k++) {
    const x = tf.tensor2d(Float32Array.from({ length: w.batch * w.features }, () => rng.normal()), [w.batch, w.features]);
    const labels = Int32Array.from({ length: w.batch }, () => rng.below(w.classes));
    pool.push({ x, y: tf.oneHot(tf.tensor1d(labels, 'int32'), w.classes) });
  }
  const opt = tf.train.sgd(LEARNING_RATE);
  let next = 0;
  const loss = (x, y) => () => {
    let h = x;
    for (let l = 0; l < vars.length; l += 2) {
      h = tf.add(tf.matMul(h, vars[l]), vars[l + 1]);
      if (l + 2 < vars.length) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(y, h);
  };
  const step = (n) => {
    for (let i = 0; i < n; i++) {
      const { x, y } = pool[next];
      next = (next + 1) % pool.length;
      opt.minimize(loss(x, y), false, vars);
    }
    // Both backends run kernels synchronously; reading one value makes that certain.
    vars[0].dataSync();
  };
  return { step, vars };
}

const results = [];
for (const key of only) {
  const w = WORKLOADS[key];
  const model = build(w);
  const tensorsBefore = tf.memory().numTensors;
  const t = timeSteps(model.step, quick ? { runs: 5, warmupSeconds: 0.3, runSeconds: 0.2 } : {});
  const tensorsAfter = tf.memory().numTensors;
  results.push({
    workload: key,
    ...t,
    gflops: (t.steps_per_sec * flopsPerStep(w)) / 1e9,
    ms_per_step: 1e3 / t.steps_per_sec,
    leaked_tensors: tensorsAfter - tensorsBefore,
  });
}
console.log(JSON.stringify({ ...info, results }));
