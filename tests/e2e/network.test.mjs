// Owns the end-to-end tests of the Network tab: every unit of a 2D network drawn as a small map of
// what it computes over the input plane (tiles marked data-unit="LAYER:INDEX"), wide layers as the
// first units plus "+k more", edges by weight, a detail panel on focus, live updates while
// training (the count is printed; the bound is generous), the lecture's zero-init picture (every
// unit of a layer the same map), and an 8 x 512 network that does not freeze the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { start, openPage, button, waitFigure, ARTIFACTS } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const draws = (page) => page.evaluate(() => Number(document.body.dataset.networkDraws || 0));

test('the Network tab draws inputs, hidden units and outputs, live while training', async () => {
  const { page, context, problems } = await openPage(env);
  try {
    await page.getByRole('tab', { name: 'Network' }).click();
    await page.locator('[data-unit="0:0"]').waitFor();
    // The default spiral network: x1, x2 -> 64 -> 64 -> 3 classes; 12 units of each wide layer.
    for (const unit of ['0:0', '0:1', '1:0', '1:11', '2:11', '3:0', '3:2']) {
      assert.equal(await page.locator(`[data-unit="${unit}"]`).count(), 1, `tile ${unit}`);
    }
    assert.equal(await page.locator('[data-unit="1:12"]').count(), 0, 'a wide layer shows its first units');
    assert.match(await page.locator('[data-more="1"]').textContent(), /\+52 more/);
    // Focus a unit: its map large, with its statistics and incoming weights.
    await page.locator('[data-unit="1:3"]').focus();
    const detail = page.getByTestId('unit-detail');
    await detail.waitFor();
    assert.match(await detail.textContent(), /mean/);
    // Live: the maps follow the training.
    await button(page, 'Play').click();
    await waitFigure(page, 'epoch', '>=', 1);
    const d0 = await draws(page);
    await page.waitForTimeout(2000);
    const per2s = (await draws(page)) - d0;
    console.log(`# the Network tab drew ${per2s} times in 2 s while training at Max speed`);
    assert.ok(per2s >= 4, `${per2s} draws in 2 s`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'network-spiral-1280x720.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('zero init: every unit of a hidden layer draws the same map', async () => {
  const { page, context, problems } = await openPage(env, 'hidden=8,8&activation=tanh&init=zeros&optimizer=sgd&learning_rate=0.1');
  try {
    await page.getByRole('tab', { name: 'Network' }).click();
    await button(page, 'Play').click();
    await waitFigure(page, 'epoch', '>=', 20);
    await button(page, 'Pause').click();
    await page.locator('[data-unit="1:7"]').waitFor();
    await page.waitForTimeout(500);
    const images = await page.evaluate(() => [...document.querySelectorAll('[data-unit^="1:"]')].map((tile) => {
      const c = tile.tagName === 'CANVAS' ? tile : tile.querySelector('canvas');
      return c.toDataURL();
    }));
    assert.equal(images.length, 8);
    assert.ok(images.every((x) => x === images[0]), 'identical maps in every unit of layer 1');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an 8 x 512 network keeps the page responsive in the Network tab', async () => {
  const { page, context, problems } = await openPage(env, `hidden=${Array(8).fill(512).join(',')}`);
  try {
    await page.getByRole('tab', { name: 'Network' }).click();
    await page.locator('[data-unit="8:11"]').waitFor({ timeout: 30_000 });
    await page.evaluate(() => {
      window.__long = [];
      new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    await button(page, 'Play').click();
    await waitFigure(page, 'epoch', '>=', 1, 60_000);
    await page.waitForTimeout(3000);
    // The page answers: Pause takes effect.
    const t0 = Date.now();
    await button(page, 'Pause').click();
    await page.waitForFunction(() => document.body.dataset.playing === 'false', null, { timeout: 30_000 });
    const long = await page.evaluate(() => window.__long);
    console.log(`# 8 x 512 in the Network tab: Pause took ${Date.now() - t0} ms; ${long.length} long tasks, longest ${Math.round(Math.max(0, ...long))} ms`);
    assert.ok(Math.max(0, ...long) < 1000, 'no main-thread task of a second or more');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
