// `node scripts/measure-ab.mjs [SECONDS]`: what the second worker of Compare A/B costs. Trains the
// default spiral in the page (Debian's Chromium, tests/e2e/harness.mjs) alone for SECONDS
// (default 10), then A and B side by side (each in its own worker) for as long, and prints the
// steps per second of each as one JSON line. On a machine with two or more cores the two workers
// run in parallel, so each should keep most of the single-worker rate.

import { start, openPage } from '../tests/e2e/harness.mjs';

const seconds = Number(process.argv[2] ?? 10);
const env = await start();
try {
  const { page, context } = await openPage(env);
  const steps = () => page.evaluate(() => ({ b: Number(document.body.dataset.step), a: Number(document.body.dataset.compareStep ?? 0) }));
  const play = () => page.getByRole('button', { name: 'Play', exact: true }).click();
  const pause = () => page.getByRole('button', { name: 'Pause', exact: true }).click();
  // Alone: a warm-up second, then the timed window.
  await play();
  await page.waitForTimeout(1000);
  let s0 = await steps();
  let t0 = Date.now();
  await page.waitForTimeout(seconds * 1000);
  let s1 = await steps();
  const alone = ((s1.b - s0.b) * 1000) / (Date.now() - t0);
  await pause();
  // Side by side: Compare A/B restarts both runs; dropout 0.5 on B so the configs differ.
  await page.getByRole('button', { name: 'Compare A/B', exact: true }).click();
  const dropout = page.getByLabel('Dropout', { exact: true });
  await dropout.fill('0.5');
  await dropout.press('Enter');
  await play();
  await page.waitForTimeout(1000);
  s0 = await steps();
  t0 = Date.now();
  await page.waitForTimeout(seconds * 1000);
  s1 = await steps();
  const ms = Date.now() - t0;
  const both = { a: ((s1.a - s0.a) * 1000) / ms, b: ((s1.b - s0.b) * 1000) / ms };
  console.log(JSON.stringify({ seconds, alone_steps_per_sec: Math.round(alone), compare_a_steps_per_sec: Math.round(both.a), compare_b_steps_per_sec: Math.round(both.b) }));
  await context.close();
} finally {
  await env.close();
}
