// The native step at every GEMM width this CPU has (src/simd.rs: 128, 256, 512 bits), in both
// arithmetic modes, with each width's fused multiply-add ceiling and numpy on single-threaded
// OpenBLAS timed in the same run, on the MLP workload of bench/common.mjs. Prints one JSON line;
// bench/run.mjs prints the table. Needs target/release/overfit; numpy comes from
// BENCH_PYTHON (scripts/bench.sh sets it to .venv-bench/bin/python) or python3, and is skipped
// with a message when missing. BENCH_QUICK=1 shortens every run.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WORKLOADS } from './common.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const bin = `${root}target/release/overfit`;
const w = WORKLOADS.mlp;
const shape = ['--features', `${w.features}`, '--hidden', w.hidden.join(','), '--classes', `${w.classes}`, '--batch', `${w.batch}`];
const timing = quick ? ['--runs', '5', '--warmup', '0.3', '--seconds', '0.2'] : ['--runs', '7'];

function runJson(cmd, args, env = {}) {
  process.stderr.write(`[bench] ${cmd} ${args.join(' ')}\n`);
  const out = execFileSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').filter((l) => l.startsWith('{')).pop());
}

const probe = runJson(bin, ['bench', ...shape, '--runs', '1', '--warmup', '0', '--seconds', '0.01']);
const widths = probe.simd_available;
const modes = probe.arithmetic === 'fused' ? ['fused', 'separate'] : ['separate'];
const rows = [];
for (const simd of widths) {
  for (const mode of modes) {
    const r = runJson(bin, ['--simd', `${simd}`, '--arithmetic', mode, 'bench', ...shape, ...timing]);
    rows.push({ simd: r.simd, arithmetic: r.arithmetic, steps_per_sec: r.steps_per_sec, cpu_steps_per_sec: r.cpu_steps_per_sec, gflops: r.gflops, fma_ceiling_gflops: r.fma_ceiling_gflops, last_loss: r.last_loss });
  }
}
let numpy = null;
try {
  const python = process.env.BENCH_PYTHON || 'python3';
  const threads = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = runJson(python, ['bench/numpy_ref.py', ...(quick ? ['quick'] : [])], threads);
  numpy = { numpy: r.numpy, ...r.results.find((x) => x.workload === 'mlp') };
} catch (e) {
  process.stderr.write(`[bench] numpy reference skipped (${String(e.message).split('\n')[0]})\n`);
}
console.log(JSON.stringify({ engine: 'overfit-native-widths', workload: w, widths, rows, numpy }));
