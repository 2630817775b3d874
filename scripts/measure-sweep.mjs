// `node scripts/measure-sweep.mjs [SEEDS] [EPOCHS]`: how the Experiments pool scales with its
// workers. Runs the same sweep (the default spiral network, one width, SEEDS seeds of EPOCHS
// epochs: runs of equal cost) in the page (Debian's Chromium, tests/e2e/harness.mjs) on 1 worker
// and then on 2, and prints the steps per second of each (every run's steps over the wall time
// from the pool's start to its last record) and their ratio as one JSON line. The interactive
// worker stays idle; the pool posts one small record per run, so nothing but the cores limits it.

import { start, openPage } from '../tests/e2e/harness.mjs';

const seeds = Number(process.argv[2] ?? 12);
const epochs = Number(process.argv[3] ?? 300);
const env = await start();
try {
  const { page, context } = await openPage(env);
  await page.getByRole('tab', { name: 'Experiments' }).click();
  await page.waitForFunction(() => document.body.dataset.sweepReady === 'true');
  const rate = async (workers) => {
    await page.locator('#sweep-knob').selectOption('width');
    await page.locator('#sweep-values').fill('64');
    await page.locator('#sweep-seeds').fill(String(seeds));
    await page.locator('#sweep-epochs').fill(String(epochs));
    await page.locator('#sweep-workers').fill(String(workers));
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => document.body.dataset.sweep === 'running');
    await page.waitForFunction(() => document.body.dataset.sweep === 'done', null, { timeout: 600_000 });
    const { ms, steps } = await page.evaluate(() => ({
      ms: Number(document.body.dataset.sweepMs),
      steps: window.overfitDebug.sweep.records().reduce((a, r) => a + r.steps, 0),
    }));
    return { steps, seconds: ms / 1000, steps_per_sec: Math.round((steps * 1000) / ms) };
  };
  const one = await rate(1);
  const two = await rate(2);
  console.log(JSON.stringify({ engine: 'overfit-page-pool', cores: await page.evaluate(() => navigator.hardwareConcurrency), seeds, epochs, one_worker: one, two_workers: two, speedup: Number((two.steps_per_sec / one.steps_per_sec).toFixed(2)) }));
  await context.close();
} finally {
  await env.close();
}
