// Measures, in Chromium, how long each step of the Lecture path runs at the page's default speed
// (10 epochs/s): from "Skip, just show me" to the reveal, one step at a time, opened from its
// `#lecture=STEP` link. A measurement, not a test of speed (`npm run lecture:times`; it is not
// part of `npm test`): it prints one `# step` line per step and the total, and fails only if a
// step never reveals.

import { test } from 'node:test';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { useEnv, withPage, ROOT } from './harness.mjs';

const ALL = JSON.parse(readFileSync(path.join(ROOT, 'presets/lecture-path.json'), 'utf8')).steps;
/** `LECTURE_STEPS=a,b` measures those steps only. */
const only = process.env.LECTURE_STEPS?.split(',');
const STEPS = only ? ALL.filter((s) => only.includes(s.id)) : ALL;
const env = useEnv();

test('each lecture step\'s run time at the default speed', async () => {
  const times = [];
  for (const step of STEPS) {
    await withPage(env, `lecture=${step.id}`, { lecture: true, speed: null }, async ({ page }) => {
      const skip = page.getByRole('button', { name: 'Skip, just show me' });
      await page.waitForFunction(() => document.querySelector('#lecture-path')?.dataset.phase === 'predict');
      await skip.and(page.locator(':not([disabled])')).waitFor({ timeout: 60_000 });
      const t0 = Date.now();
      await skip.click();
      await page.getByTestId('lecture-reveal').waitFor({ timeout: 180_000 });
      const s = (Date.now() - t0) / 1000;
      times.push([step.id, s]);
      console.log(`# step ${step.id}: ${s.toFixed(1)} s from Skip to the reveal at 10 epochs/s`);
    });
  }
  const total = times.reduce((a, [, s]) => a + s, 0);
  const worst = times.reduce((a, b) => (b[1] > a[1] ? b : a));
  console.log(`# lecture path: ${total.toFixed(0)} s in all; the longest step ${worst[0]} ${worst[1].toFixed(1)} s`);
});
