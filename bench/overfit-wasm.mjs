// The Overfit-in-wasm side of `npm run bench`: loads one build of pkg/ (the packages the page
// chooses between, built by scripts/build-wasm.sh) through www/wasm-loader.js in Node and times
// the benchmark workloads through the `Bench` handle (synthetic MLPs) and the `TrainerBench`
// handle (the real trainer on the page's default config). Then checks that memory stays flat over
// many steps. The fused build (argument `fused`; Node 20 needs --experimental-wasm-relaxed-simd)
// also times a chain of independent fused f32x4 multiply-adds: the SIMD128 FMA ceiling of this
// machine, measured in the same run. Prints one JSON object on stdout.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WORKLOADS, SEED, median, timeSteps } from './common.mjs';
import { loadWasm } from '../www/wasm-loader.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const want = process.argv[2] === 'fused' ? 'fused' : 'separate';
const loaded = await loadWasm({ want, bytes: (file) => readFileSync(`${root}pkg/${file}`) });
const pkg = loaded.wasm;
const wasm = { memory: loaded.memory };
const quick = process.env.BENCH_QUICK === '1';
const opts = quick ? { runs: 5, warmupSeconds: 0.3, runSeconds: 0.2 } : {};
const memorySteps = Number(process.env.BENCH_MEMORY_STEPS || (quick ? 10000 : 100000));

const results = [];
for (const [key, w] of Object.entries(WORKLOADS)) {
  const b = new pkg.Bench(w.features, new Uint32Array(w.hidden), w.classes, w.batch, SEED);
  let loss = 0;
  const t = timeSteps((n) => {
    loss = b.run(n);
  }, opts);
  results.push({ workload: key, ...t, gflops: (t.steps_per_sec * b.flops_per_step()) / 1e9, ms_per_step: 1e3 / t.steps_per_sec, last_loss: loss });
  b.free();
}

// The page's default config through the real trainer (Adam, spiral data, per-epoch evaluation).
{
  const tb = new pkg.TrainerBench('{}');
  const t = timeSteps((n) => tb.run(n), opts);
  results.push({ workload: 'page-default', ...t, gflops: (t.steps_per_sec * tb.flops_per_step()) / 1e9, ms_per_step: 1e3 / t.steps_per_sec });
  tb.free();
}

/** Runs `steps` steps in chunks of 1000 and reports wasm linear memory and process RSS. */
function memoryCheck(name, handle, steps) {
  handle.run(1000); // Warm-up: every buffer reaches its steady size.
  const before = { wasm_bytes: wasm.memory.buffer.byteLength, rss_bytes: process.memoryUsage().rss };
  const t = performance.now();
  for (let left = steps; left > 0; left -= 1000) handle.run(Math.min(1000, left));
  const after = { wasm_bytes: wasm.memory.buffer.byteLength, rss_bytes: process.memoryUsage().rss };
  return { workload: name, steps, seconds: (performance.now() - t) / 1e3, before, after };
}

const memory = [];
{
  const w = WORKLOADS.spiral;
  const b = new pkg.Bench(w.features, new Uint32Array(w.hidden), w.classes, w.batch, SEED);
  memory.push(memoryCheck('spiral', b, memorySteps));
  b.free();
  const tb = new pkg.TrainerBench('{}');
  memory.push(memoryCheck('page-default', tb, memorySteps));
  tb.free();
  const m = WORKLOADS.mlp;
  const big = new pkg.Bench(m.features, new Uint32Array(m.hidden), m.classes, m.batch, SEED);
  memory.push(memoryCheck('mlp', big, quick ? 1000 : 5000));
  big.free();
}

/**
 * GFLOP/s of the fused f32x4 chain: median of 7 timed runs of about 0.2-0.4 s after a warm-up,
 * in wall-clock time and in process CPU time (on a busy machine the CPU-time figure is the one to
 * compare with the steps' CPU-time column).
 */
function fmaCeiling() {
  const flops = pkg.fma_chain_flops_per_iter();
  let iters = 1 << 16;
  for (let t = 0; t < 0.2; iters *= 2) {
    const t0 = performance.now();
    pkg.fma_chain(iters);
    t = (performance.now() - t0) / 1e3;
  }
  const rates = [];
  const cpuRates = [];
  for (let r = 0; r < 7; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    pkg.fma_chain(iters);
    const wall = (performance.now() - t0) / 1e3;
    const c = process.cpuUsage(c0);
    rates.push((iters * flops) / wall / 1e9);
    cpuRates.push((iters * flops) / ((c.user + c.system) / 1e6) / 1e9);
  }
  return { gflops: median(rates), cpu_gflops: median(cpuRates), runs: rates, cpu_runs: cpuRates, iters };
}

/**
 * The fused build against the plain one and the ceiling, interleaved in one process: rounds of
 * (plain MLP steps, fused MLP steps, the fused chain), each about 0.3 s, timed in process CPU
 * time. Load from other programs then hits the three alike, so the per-round ratios hold on a busy
 * machine where figures taken minutes apart do not. Medians over the rounds.
 */
async function paired(rounds = quick ? 3 : 9) {
  const plain = await loadWasm({ want: 'separate', bytes: (file) => readFileSync(`${root}pkg/${file}`) });
  const w = WORKLOADS.mlp;
  const make = (m) => new m.Bench(w.features, new Uint32Array(w.hidden), w.classes, w.batch, SEED);
  const [bs, bf] = [make(plain.wasm), make(pkg)];
  const flops = bf.flops_per_step();
  const cpu = (f) => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  // Warm-up of about a second each (both builds tier up), then steps and chain lengths of about
  // 0.3 s each.
  for (const t0 = performance.now(); performance.now() - t0 < (quick ? 300 : 1000); ) bs.run(20);
  for (const t0 = performance.now(); performance.now() - t0 < (quick ? 300 : 1000); ) bf.run(20);
  pkg.fma_chain(1 << 22);
  const steps = Math.max(10, Math.round(0.3 / cpu(() => bf.run(30)) * 30));
  const iters = Math.max(1 << 16, Math.round((0.3 / cpu(() => pkg.fma_chain(1 << 22))) * (1 << 22)));
  const out = [];
  for (let r = 0; r < rounds; r++) {
    const separate = steps / cpu(() => bs.run(steps));
    const fused = steps / cpu(() => bf.run(steps));
    const ceiling = (iters * pkg.fma_chain_flops_per_iter()) / cpu(() => pkg.fma_chain(iters)) / 1e9;
    out.push({ separate, fused, ceiling, ratio: fused / separate, fused_pct: (100 * fused * flops) / 1e9 / ceiling, separate_pct: (100 * separate * flops) / 1e9 / ceiling });
  }
  bs.free();
  bf.free();
  const med = (k) => median(out.map((o) => o[k]));
  return { steps_per_round: steps, ratio: med('ratio'), fused_pct: med('fused_pct'), separate_pct: med('separate_pct'), ceiling_gflops: med('ceiling'), fused_steps_per_sec: med('fused'), separate_steps_per_sec: med('separate'), rounds: out };
}

const fma_ceiling = loaded.arithmetic === 'fused' ? fmaCeiling() : null;
const pairs = loaded.arithmetic === 'fused' ? await paired() : null;
const engine = loaded.arithmetic === 'fused' ? 'overfit-wasm-fused' : 'overfit-wasm';
console.log(JSON.stringify({ engine, arithmetic: loaded.arithmetic, node: process.version, results, memory, fma_ceiling, paired: pairs }));
