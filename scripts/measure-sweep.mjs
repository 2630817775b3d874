// `node scripts/measure-sweep.mjs [SEEDS] [EPOCHS]`: how the Experiments pool scales with its
// workers. Runs the same sweep (the default spiral network, one width, SEEDS seeds of EPOCHS
// epochs: runs of equal cost) in the page (Debian's Chromium, tests/e2e/harness.mjs) on 1 worker
// and then on 2, and prints the steps per second of each (every run's steps over the wall time
// from the pool's start to its last record) and their ratio as one JSON line. The interactive
// worker stays idle; the pool posts one small record per run, so nothing but the cores limits it.
// Beside each figure, the main thread's busy share (Chrome's Performance.getMetrics TaskDuration
// over the wall time). With `--ab SECONDS` it also measures Compare A/B as scripts/measure-ab.mjs
// does, with the main thread's busy share there: where the second worker's throughput goes.

import { readdirSync, readFileSync } from 'node:fs';
import { start, openPage } from '../tests/e2e/harness.mjs';

/**
 * CPU ticks (user + system, 1/100 s) of each Web Worker thread ("DedicatedWorker…") of the
 * Chromium this script started (its processes descend from this one), by thread id, read from
 * /proc on Linux; null elsewhere.
 */
function workerTicks() {
  try {
    const parent = new Map();
    for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const s = readFileSync(`/proc/${p}/stat`, 'utf8');
        parent.set(Number(p), Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // The process ended meanwhile.
      }
    }
    const ours = (p) => {
      for (let q = p, hops = 0; q > 1 && hops < 64; q = parent.get(q) ?? 0, hops++) if (q === process.pid) return true;
      return false;
    };
    const ticks = new Map();
    for (const p of [...parent.keys()].filter(ours)) {
      for (const t of readdirSync(`/proc/${p}/task`)) {
        try {
          if (!readFileSync(`/proc/${p}/task/${t}/comm`, 'utf8').startsWith('DedicatedWorker')) continue;
          const s = readFileSync(`/proc/${p}/task/${t}/stat`, 'utf8');
          const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
          ticks.set(`${p}/${t}`, Number(f[11]) + Number(f[12]));
        } catch {
          // The thread ended meanwhile.
        }
      }
    }
    return ticks;
  } catch {
    return null;
  }
}

/**
 * Samples the worker threads' CPU every 100 ms from now (the pool's workers end with the sweep,
 * so their last sample stands for them); `stop()` returns the CPU seconds they used since, or null.
 */
function sampleWorkerCpu() {
  const base = workerTicks();
  if (!base) return { stop: () => null };
  const last = new Map();
  const take = () => {
    for (const [t, v] of workerTicks() ?? []) last.set(t, v);
  };
  const timer = setInterval(take, 100);
  return {
    stop() {
      clearInterval(timer);
      take();
      let ticks = 0;
      for (const [t, v] of last) ticks += v - (base.get(t) ?? 0);
      return ticks / 100;
    },
  };
}

const args = process.argv.slice(2);
const abAt = args.indexOf('--ab');
const abSeconds = abAt >= 0 ? Number(args.splice(abAt, 2)[1]) : 0;
const seeds = Number(args[0] ?? 12);
const epochs = Number(args[1] ?? 300);
const env = await start();
try {
  const { page, context } = await openPage(env);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  let ab = null;
  if (abSeconds > 0) {
    const steps = () => page.evaluate(() => ({ b: Number(document.body.dataset.step), a: Number(document.body.dataset.compareStep ?? 0) }));
    const window = async () => {
      await page.waitForTimeout(1000);
      const s0 = await steps();
      const b0 = await busy();
      const t0 = Date.now();
      await page.waitForTimeout(abSeconds * 1000);
      const s1 = await steps();
      const sec = (Date.now() - t0) / 1000;
      return { a: Math.round((s1.a - s0.a) / sec), b: Math.round((s1.b - s0.b) / sec), main_thread_busy: Number((((await busy()) - b0) / sec).toFixed(2)) };
    };
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    const alone = await window();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Compare A/B', exact: true }).click();
    const dropout = page.getByLabel('Dropout', { exact: true });
    await dropout.fill('0.5');
    await dropout.press('Enter');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    const both = await window();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Stop comparing', exact: true }).click();
    ab = { alone_steps_per_sec: alone.b, alone_main_thread_busy: alone.main_thread_busy, compare_a: both.a, compare_b: both.b, compare_main_thread_busy: both.main_thread_busy, speedup: Number(((both.a + both.b) / alone.b).toFixed(2)) };
  }
  await page.getByRole('tab', { name: 'Experiments' }).click();
  await page.waitForFunction(() => document.body.dataset.sweepReady === 'true');
  const rate = async (workers) => {
    await page.locator('#sweep-knob').selectOption('width');
    await page.locator('#sweep-values').fill('64');
    await page.locator('#sweep-seeds').fill(String(seeds));
    await page.locator('#sweep-epochs').fill(String(epochs));
    await page.locator('#sweep-workers').fill(String(workers));
    const b0 = await busy();
    const sampler = sampleWorkerCpu();
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => document.body.dataset.sweep === 'running');
    await page.waitForFunction(() => document.body.dataset.sweep === 'done', null, { timeout: 600_000 });
    const { ms, steps } = await page.evaluate(() => ({
      ms: Number(document.body.dataset.sweepMs),
      steps: window.overfitDebug.sweep.records().reduce((a, r) => a + r.steps, 0),
    }));
    // The pool's CPU time (up to the last 100 ms sample of each worker: a slight undercount).
    const cpu = sampler.stop();
    return {
      steps, seconds: ms / 1000, steps_per_sec: Math.round((steps * 1000) / ms),
      main_thread_busy: Number((((await busy()) - b0) / (ms / 1000)).toFixed(3)),
      worker_cores_busy: cpu === null ? null : Number((cpu / (ms / 1000)).toFixed(2)),
      steps_per_worker_cpu_sec: cpu ? Math.round(steps / cpu) : null,
    };
  };
  const one = await rate(1);
  const two = await rate(2);
  console.log(JSON.stringify({ engine: 'overfit-page-pool', cores: await page.evaluate(() => navigator.hardwareConcurrency), seeds, epochs, one_worker: one, two_workers: two, speedup: Number((two.steps_per_sec / one.steps_per_sec).toFixed(2)), ...(ab ? { compare_ab: ab } : {}) }));
  await context.close();
} finally {
  await env.close();
}
