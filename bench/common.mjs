// Shared by the benchmark scripts: the fixed workloads, the timing protocol and small helpers.
//
// Timing protocol: a warm-up of at least `warmupSeconds` (JIT tiers, caches), then a
// calibration that picks a number of steps per run lasting about `runSeconds`, then `runs`
// timed runs. The figure reported is the median over runs of steps per second of wall-clock
// time. The median of the same runs measured in process CPU time is reported next to it: on a
// shared machine the wall clock also counts time when other programs held the core. In a
// browser Web Worker (bench/browser-worker.mjs imports this file too) there is no process CPU
// time, and only the wall-clock figures are reported.

/** Node's process CPU clock, or undefined in a browser. */
const cpuUsage = globalThis.process?.cpuUsage;

/** The workloads every engine runs. Inputs N(0, 1), labels uniform, fixed seed, plain SGD. */
export const WORKLOADS = {
  mlp: { name: 'MLP 784-256-256-10, batch 64', features: 784, hidden: [256, 256], classes: 10, batch: 64 },
  spiral: { name: 'spiral net 2-64-64-3, batch 32', features: 2, hidden: [64, 64], classes: 3, batch: 32 },
  single: { name: 'MLP 784-256-256-10, batch 1', features: 784, hidden: [256, 256], classes: 10, batch: 1 },
};

/** Learning rate of the plain SGD update, the same in every engine. */
export const LEARNING_RATE = 0.01;

/** Seed of the synthetic data and of the initial weights. */
export const SEED = 1;

/** Floating-point operations of one step: 2 M N K per GEMM, 3 GEMMs per layer, 2 for the first. */
export function flopsPerStep(w) {
  const widths = [w.features, ...w.hidden, w.classes];
  let total = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const one = 2 * w.batch * widths[l] * widths[l + 1];
    total += l === 0 ? 2 * one : 3 * one;
  }
  return total;
}

/** The median of an array of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * Times `step(n)`, a function that runs n training steps synchronously. Returns wall and CPU
 * steps per second (medians), the per-run figures and the number of steps per run.
 */
export function timeSteps(step, { runs = 7, warmupSeconds = 1, runSeconds = 0.6 } = {}) {
  // Warm-up: run growing chunks until the time is spent.
  let n = 1;
  let spent = 0;
  while (spent < warmupSeconds) {
    const t = performance.now();
    step(n);
    const dt = (performance.now() - t) / 1e3;
    spent += dt;
    if (dt < 0.1) n *= 2;
  }
  // Calibration: steps per run from the speed of the last warm-up chunk.
  const t0 = performance.now();
  step(n);
  const rate = n / Math.max((performance.now() - t0) / 1e3, 1e-6);
  const perRun = Math.max(1, Math.round(rate * runSeconds));
  const wall = [];
  const cpu = [];
  for (let r = 0; r < runs; r++) {
    const c = cpuUsage?.();
    const t = performance.now();
    step(perRun);
    const dt = (performance.now() - t) / 1e3;
    wall.push(perRun / dt);
    if (c) {
      const dc = cpuUsage(c);
      cpu.push(perRun / ((dc.user + dc.system) / 1e6));
    }
  }
  if (!cpuUsage) return { steps_per_sec: median(wall), runs: wall, steps_per_run: perRun };
  return { steps_per_sec: median(wall), cpu_steps_per_sec: median(cpu), runs: wall, cpu_runs: cpu, steps_per_run: perRun };
}

/** A small seeded generator (PCG-like LCG mix) for the JS engines' data, with N(0, 1) samples. */
export function makeRng(seed) {
  let s = BigInt(seed) * 6364136223846793005n + 1442695040888963407n;
  const mask = (1n << 64n) - 1n;
  const next = () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & mask;
    return Number(s >> 40n) / 2 ** 24;
  };
  return {
    uniform: next,
    normal() {
      // Box-Muller.
      const u = Math.max(next(), 1e-12);
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    below(n) {
      return Math.min(n - 1, Math.floor(next() * n));
    },
  };
}
