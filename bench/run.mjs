// `npm run bench` after the builds (scripts/bench.sh): runs every engine on the workloads of
// bench/common.mjs, one engine at a time in its own process, prints a table with the ratios of
// Overfit-wasm to each engine and the memory check, and writes everything to bench/results.json.
//
// Engines: Overfit wasm, both builds the page chooses between (pkg/overfit.js, separate multiply
// and add; pkg/overfit_fused.js, relaxed-SIMD fused multiply-add, in Node 20 with
// --experimental-wasm-relaxed-simd), in Node and in a Chromium Web Worker (bench/browser.mjs),
// with the SIMD128 FMA ceiling measured in the same run (a chain of independent fused f32x4
// multiply-adds, bench/overfit-wasm.mjs), Overfit native (its default arithmetic: fused where the
// CPU has FMA, and its widest GEMM width; bench/native-widths.mjs times every width in both modes
// with numpy in the same run)
// (target/release/overfit bench), TensorFlow.js 4.22 with the wasm backend (SIMD, one thread)
// and with the cpu backend, and numpy on single-threaded OpenBLAS when python3 has numpy.
//
// BENCH_QUICK=1 shortens every run (a smoke test; the figures are then rough).

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { WORKLOADS } from './common.mjs';
import { probeRelaxedMadd } from '../www/wasm-loader.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const memorySteps = Number(process.env.BENCH_MEMORY_STEPS || (quick ? 10000 : 100000));

/** Runs a command and returns every JSON line it printed on stdout. */
function runJsonLines(cmd, args, env = {}) {
  process.stderr.write(`[bench] ${cmd} ${args.join(' ')}\n`);
  const out = execFileSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  return out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** Runs a command and returns the last JSON line it printed on stdout. */
function runJson(cmd, args, env = {}) {
  return runJsonLines(cmd, args, env).pop();
}

const started = new Date();
const load = [os.loadavg()[0]];

// Overfit native: one process per workload (the CLI times one workload per call).
const native = { engine: 'overfit-native', results: [], memory: [] };
const timing = quick ? ['--runs', '5', '--warmup', '0.3', '--seconds', '0.2'] : ['--runs', '7'];
const bin = `${root}target/release/overfit`;
for (const [key, w] of Object.entries(WORKLOADS)) {
  const shape = ['--features', `${w.features}`, '--hidden', w.hidden.join(','), '--classes', `${w.classes}`, '--batch', `${w.batch}`];
  const memory = key === 'spiral' ? ['--memory-steps', `${memorySteps}`] : key === 'mlp' ? ['--memory-steps', quick ? '1000' : '5000'] : [];
  const r = runJson(bin, ['bench', ...shape, ...timing, ...memory]);
  native.results.push({ ...r, workload: key, shape: r.workload });
  if (r.memory) native.memory.push({ workload: key, ...r.memory });
}
{
  const r = runJson(bin, ['bench', '--config', 'default', ...timing, '--memory-steps', `${memorySteps}`]);
  native.results.push({ ...r, workload: 'page-default', shape: r.workload });
  native.memory.push({ workload: 'page-default', ...r.memory });
}

// The native step at every GEMM width this CPU has, both modes, with numpy in the same run.
const widths = runJson('node', ['bench/native-widths.mjs']);

const wasm = runJson('node', ['bench/overfit-wasm.mjs']);
// The fused build, where Node's relaxed madd is fused (with the flag Node 20 needs); it also
// measures the FMA ceiling.
let wasmFused = null;
try {
  // Only where this Node needs the flag (newer Node runs relaxed SIMD without it).
  const flag = probeRelaxedMadd() === null ? ['--experimental-wasm-relaxed-simd'] : [];
  wasmFused = runJson('node', [...flag, 'bench/overfit-wasm.mjs', 'fused']);
} catch (e) {
  process.stderr.write(`[bench] fused wasm row skipped (${String(e.message).split('\n')[0]})\n`);
}
// The same packages in a Web Worker of Debian's Chromium (the page's situation); skipped with a
// message when Chromium or playwright-core is missing or the run fails.
let browser = null;
let browserFused = null;
try {
  const rows = runJsonLines('node', ['bench/browser.mjs']);
  browser = rows.find((r) => r.engine === 'overfit-wasm-browser') ?? null;
  browserFused = rows.find((r) => r.engine === 'overfit-wasm-fused-browser') ?? null;
} catch (e) {
  process.stderr.write(`[bench] browser worker row skipped (${String(e.message).split('\n')[0]})\n`);
}
const tfjsWasm = runJson('node', ['bench/tfjs.mjs', 'wasm']);
const tfjsCpu = runJson('node', ['bench/tfjs.mjs', 'cpu']);
let numpy = null;
try {
  const threads = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  numpy = runJson(process.env.BENCH_PYTHON || 'python3', ['bench/numpy_ref.py', ...(quick ? ['quick'] : [])], threads);
} catch (e) {
  process.stderr.write(`[bench] numpy reference skipped (${String(e.message).split('\n')[0]})\n`);
}
// Sweeps (src/sweep.rs): runs of equal cost (bench/sweep-scaling.json) on 1 and 2 threads of
// `overfit sweep`, and on 1 and 2 workers of the page's Experiments pool in Chromium.
const sweepScaling = { native: {}, page: null };
{
  const spec = quick ? ['bench/sweep-scaling-quick.json'] : ['bench/sweep-scaling.json'];
  for (const t of [1, 2]) sweepScaling.native[t] = runJson(bin, ['sweep', ...spec, '--threads', `${t}`]).summary;
  try {
    sweepScaling.page = runJson('node', ['scripts/measure-sweep.mjs', ...(quick ? ['4', '50'] : [])]);
  } catch (e) {
    process.stderr.write(`[bench] page sweep scaling skipped (${String(e.message).split('\n')[0]})\n`);
  }
}
load.push(os.loadavg()[0]);

const engines = [wasm, ...(wasmFused ? [wasmFused] : []), ...(browser ? [browser] : []), ...(browserFused ? [browserFused] : []), native, tfjsWasm, tfjsCpu, ...(numpy ? [numpy] : [])];
const nativeMode = native.results[0]?.arithmetic ?? 'separate';
const names = { 'overfit-wasm': 'Overfit wasm separate (Node)', 'overfit-wasm-fused': 'Overfit wasm fused (Node)', 'overfit-wasm-browser': 'Overfit wasm separate (Chromium)', 'overfit-wasm-fused-browser': 'Overfit wasm fused (Chromium)', 'overfit-native': `Overfit native ${nativeMode}`, 'tfjs-wasm': 'tfjs 4.22 wasm (SIMD, 1 thread)', 'tfjs-cpu': 'tfjs 4.22 cpu (plain JS)', numpy: 'numpy + OpenBLAS (1 thread)' };
const find = (e, key) => e.results.find((r) => r.workload === key);
const fmt = (x, d = 1) => (x == null ? '-' : x.toFixed(d));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

const lines = [];
const say = (s = '') => lines.push(s);
say(`Overfit benchmark, ${started.toISOString()}`);
say(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}; load average ${fmt(load[0], 2)} at start, ${fmt(load[1], 2)} at end`);
say('steps/s: median of the timed runs in wall-clock time (cpu: the same runs in process CPU time); wasm/x: Overfit wasm separate (Node) over the row');
for (const key of [...Object.keys(WORKLOADS), 'page-default']) {
  const title = key === 'page-default' ? "page default config through the Trainer (spiral, 2-64-64-3, batch 32, Adam, per-epoch evaluation)" : WORKLOADS[key].name;
  say();
  say(`== ${title}`);
  say(`${pad('engine', 34)}${lpad('steps/s', 10)}${lpad('cpu', 10)}${lpad('ms/step', 10)}${lpad('GFLOP/s', 9)}${lpad('wasm/x', 9)}`);
  const base = find(wasm, key);
  for (const e of engines) {
    const r = find(e, key);
    if (!r) continue;
    const ratio = e === wasm ? '' : fmt(base.steps_per_sec / r.steps_per_sec, 2);
    say(`${pad(names[e.engine], 34)}${lpad(fmt(r.steps_per_sec), 10)}${lpad(fmt(r.cpu_steps_per_sec), 10)}${lpad(fmt(r.ms_per_step, 3), 10)}${lpad(fmt(r.gflops, 2), 9)}${lpad(ratio, 9)}`);
  }
}
say();
say('== memory over many steps (after a 1,000-step warm-up)');
for (const m of [...wasm.memory, ...(wasmFused?.memory ?? []).map((m) => ({ ...m, workload: `${m.workload} (fused)` }))]) {
  say(`Overfit wasm   ${pad(m.workload, 21)}${lpad(m.steps, 7)} steps: wasm memory ${m.before.wasm_bytes} -> ${m.after.wasm_bytes} bytes, process RSS ${(m.before.rss_bytes / 2 ** 20).toFixed(1)} -> ${(m.after.rss_bytes / 2 ** 20).toFixed(1)} MiB`);
}
for (const m of native.memory) {
  say(`Overfit native ${pad(m.workload, 21)}${lpad(m.steps, 7)} steps: RSS ${m.rss_kib_before} -> ${m.rss_kib_after} KiB`);
}
const main = find(wasm, 'mlp');
const tw = find(tfjsWasm, 'mlp');
const np = numpy && find(numpy, 'mlp');
say();
say('== targets (MLP workload)');
say(`Overfit wasm / tfjs wasm = ${fmt(main.steps_per_sec / tw.steps_per_sec, 2)} (target >= 10): ${main.steps_per_sec >= 10 * tw.steps_per_sec ? 'met' : 'missed'}`);
if (np) say(`Overfit wasm / numpy     = ${fmt(main.steps_per_sec / np.steps_per_sec, 2)} (target >= 0.40): ${main.steps_per_sec >= 0.4 * np.steps_per_sec ? 'met' : 'missed'}`);
say(`Overfit wasm steps/s     = ${fmt(main.steps_per_sec)} (issue's absolute figure: >= 350)`);
const bw = browser && find(browser, 'mlp');
if (bw) say(`Chromium worker / Node   = ${fmt(bw.steps_per_sec / main.steps_per_sec, 2)} (target: within 10 %): ${Math.abs(bw.steps_per_sec / main.steps_per_sec - 1) <= 0.1 ? 'met' : 'missed'} (Chromium ${browser.browser})`);
say();
say('== sweeps: throughput against workers (runs of equal cost; the target is >= 0.8 x N on N free cores)');
const n1 = sweepScaling.native[1];
const n2 = sweepScaling.native[2];
// Steps per CPU-second says what the sweep would do on free cores: on a busy machine the cores
// busy (CPU time over wall time) fall short of the threads, and with them the wall-clock speed-up.
const perCpu = (r) => (r.cpu_seconds ? r.steps / r.cpu_seconds : null);
say(`overfit sweep --threads 1: ${fmt(n1.steps_per_sec, 0)} steps/s (${fmt(n1.parallelism, 2)} cores busy, ${fmt(perCpu(n1), 0)} steps per CPU-second); --threads 2: ${fmt(n2.steps_per_sec, 0)} steps/s (${fmt(n2.parallelism, 2)} cores busy, ${fmt(perCpu(n2), 0)} per CPU-second): ${fmt(n2.steps_per_sec / n1.steps_per_sec, 2)}x`);
const pg = sweepScaling.page;
const busyText = (r) => (r.worker_cores_busy == null ? '' : ` (${fmt(r.worker_cores_busy, 2)} cores busy, ${r.steps_per_worker_cpu_sec} steps per CPU-second)`);
if (pg) say(`page pool (Chromium), 1 worker: ${pg.one_worker.steps_per_sec} steps/s${busyText(pg.one_worker)}; 2 workers: ${pg.two_workers.steps_per_sec} steps/s${busyText(pg.two_workers)}: ${fmt(pg.speedup, 2)}x`);
const fused = wasmFused && find(wasmFused, 'mlp');
if (fused) {
  const ceiling = wasmFused.fma_ceiling?.gflops;
  const cpuCeiling = wasmFused.fma_ceiling?.cpu_gflops;
  const cpuGflops = (r) => (r.cpu_steps_per_sec == null ? null : (r.gflops * r.cpu_steps_per_sec) / r.steps_per_sec);
  say();
  say('== fused arithmetic (relaxed-SIMD build, MLP workload)');
  say(`SIMD128 FMA ceiling      = ${fmt(ceiling, 1)} GFLOP/s wall, ${fmt(cpuCeiling, 1)} in CPU time (independent fused f32x4 multiply-adds, measured in this run)`);
  say(`fused wasm steps/s       = ${fmt(fused.steps_per_sec)} (${fmt(fused.gflops, 2)} GFLOP/s)`);
  say(`fused / separate wasm    = ${fmt(fused.steps_per_sec / main.steps_per_sec, 2)} (target >= 1.3): ${fused.steps_per_sec >= 1.3 * main.steps_per_sec ? 'met' : 'missed'}`);
  if (ceiling) say(`fused % of FMA ceiling   = ${fmt((100 * fused.gflops) / ceiling, 1)} % (target >= 60 %): ${fused.gflops >= 0.6 * ceiling ? 'met' : 'missed'}; separate: ${fmt((100 * main.gflops) / ceiling, 1)} % (wall clock)`);
  if (cpuCeiling && cpuGflops(fused)) say(`  in CPU time            = ${fmt((100 * cpuGflops(fused)) / cpuCeiling, 1)} %; separate: ${fmt((100 * cpuGflops(main)) / cpuCeiling, 1)} %; fused / separate ${fmt(fused.cpu_steps_per_sec / main.cpu_steps_per_sec, 2)}`);
  const p = wasmFused.paired;
  if (p) {
    say(`paired in one process (${p.rounds.length} rounds of plain steps, fused steps and the chain, ~0.3 s each, CPU time; medians):`);
    say(`  fused / separate wasm  = ${fmt(p.ratio, 2)} (target >= 1.3): ${p.ratio >= 1.3 ? 'met' : 'missed'}; ${fmt(p.fused_steps_per_sec)} vs ${fmt(p.separate_steps_per_sec)} steps/s`);
    say(`  fused % of FMA ceiling = ${fmt(p.fused_pct, 1)} % of ${fmt(p.ceiling_gflops, 1)} GFLOP/s (target >= 60 %): ${p.fused_pct >= 60 ? 'met' : 'missed'}; separate: ${fmt(p.separate_pct, 1)} %`);
  }
  say(`fused wasm / tfjs wasm   = ${fmt(fused.steps_per_sec / tw.steps_per_sec, 2)}`);
  if (np) say(`fused wasm / numpy       = ${fmt(fused.steps_per_sec / np.steps_per_sec, 2)}`);
  const bf = browserFused && find(browserFused, 'mlp');
  if (bf) say(`fused Chromium / Node    = ${fmt(bf.steps_per_sec / fused.steps_per_sec, 2)} (target: within 10 %): ${Math.abs(bf.steps_per_sec / fused.steps_per_sec - 1) <= 0.1 ? 'met' : 'missed'}`);
} else {
  say();
  say('fused wasm: not measured (this engine has no fused relaxed madd)');
}
say();
say(`== native at full width (MLP workload; the GEMM width of src/simd.rs, ${nativeMode === 'fused' ? 'both arithmetic modes' : 'separate only'}; the rows above run the widest, ${native.results[0]?.simd ?? '-'} bits)`);
const wnp = widths.numpy;
say(`${pad('width / mode', 20)}${lpad('steps/s', 10)}${lpad('cpu', 10)}${lpad('GFLOP/s', 9)}${lpad('FMA ceiling', 13)}${lpad('% ceiling', 11)}${lpad('/ numpy', 9)}`);
for (const r of widths.rows) {
  const pct = r.fma_ceiling_gflops ? fmt((100 * r.gflops) / r.fma_ceiling_gflops, 1) : '-';
  say(`${pad(`${r.simd}-bit ${r.arithmetic}`, 20)}${lpad(fmt(r.steps_per_sec), 10)}${lpad(fmt(r.cpu_steps_per_sec), 10)}${lpad(fmt(r.gflops, 2), 9)}${lpad(fmt(r.fma_ceiling_gflops, 1), 13)}${lpad(pct, 11)}${lpad(wnp ? fmt(r.steps_per_sec / wnp.steps_per_sec, 2) : '-', 9)}`);
}
if (wnp) say(`${pad(`numpy ${wnp.numpy} (1 thread)`, 20)}${lpad(fmt(wnp.steps_per_sec), 10)}${lpad(fmt(wnp.cpu_steps_per_sec), 10)}${lpad(fmt(wnp.gflops, 2), 9)}`);
else say('numpy: not measured (no numpy for BENCH_PYTHON or python3)');
const widest = widths.rows.filter((r) => r.arithmetic === 'fused').pop();
if (wnp && widest) {
  const goal = widest.simd >= 512 ? 1.0 : widest.simd >= 256 ? 0.8 : null;
  if (goal) say(`native fused ${widest.simd}-bit / numpy = ${fmt(widest.steps_per_sec / wnp.steps_per_sec, 2)} (target >= ${goal.toFixed(1)}): ${widest.steps_per_sec >= goal * wnp.steps_per_sec ? 'met' : 'missed'}`);
}
const text = lines.join('\n');
console.log(text);

const out = { date: started.toISOString(), machine: { cpu: os.cpus()[0].model, cores: os.cpus().length, node: process.version, load_average: load }, quick, workloads: WORKLOADS, engines, native_widths: widths, sweep_scaling: sweepScaling, table: text };
writeFileSync(`${root}bench/results.json`, JSON.stringify(out, null, 2) + '\n');
console.log(`\n(written to bench/results.json)`);
