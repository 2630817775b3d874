// Owns the end-to-end tests of the Network tab: every unit of a 2D network drawn as a small map of
// what it computes over the input plane (tiles marked data-unit="LAYER:INDEX"), wide layers as the
// first units plus "+k more", edges by weight, a detail panel on focus, live updates while
// training (the count is printed; the bound is generous), the lecture's zero-init picture (every
// unit of a layer the same map), and an 8 x 512 network that does not freeze the page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useEnv, withPage, waitFigure, play, pause, waitPaused, playUntilEpoch, ARTIFACTS } from './harness.mjs';

const env = useEnv();

const draws = (page) => page.evaluate(() => Number(document.body.dataset.networkDraws || 0));

test('the Network tab draws inputs, hidden units and outputs, live while training', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
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
    await play(page);
    await waitFigure(page, 'epoch', '>=', 1);
    const d0 = await draws(page);
    await page.waitForTimeout(2000);
    const per2s = (await draws(page)) - d0;
    console.log(`# the Network tab drew ${per2s} times in 2 s while training at Max speed`);
    assert.ok(per2s >= 4, `${per2s} draws in 2 s`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'network-spiral-1280x720.png') });
  });
});

test('zero init: every unit of a hidden layer draws the same map', async () => {
  await withPage(env, 'hidden=8,8&activation=tanh&init=zeros&optimizer=sgd&learning_rate=0.1', { problems: 'none' }, async ({ page }) => {
    await page.getByRole('tab', { name: 'Network' }).click();
    await playUntilEpoch(page, 20);
    await page.locator('[data-unit="1:7"]').waitFor();
    await page.waitForTimeout(500);
    const images = await page.evaluate(() => [...document.querySelectorAll('[data-unit^="1:"]')].map((tile) => {
      const c = tile.tagName === 'CANVAS' ? tile : tile.querySelector('canvas');
      return c.toDataURL();
    }));
    assert.equal(images.length, 8);
    assert.ok(images.every((x) => x === images[0]), 'identical maps in every unit of layer 1');
  });
});

test('the input features are the first column: toggling one changes the inputs the network draws', async () => {
  await withPage(env, 'dataset=circles&features=x1_squared,x2_squared,x1_x2', { problems: 'none' }, async ({ page }) => {
    await page.getByRole('tab', { name: 'Network' }).click();
    await page.locator('[data-unit="0:2"]').waitFor();
    assert.equal(await page.locator('[data-unit^="0:"]').count(), 3);
    assert.match(await page.locator('[data-unit="0:0"]').getAttribute('aria-label'), /x₁²/);
    // Ticking sin x1 adds an input (and a rebuilt first layer).
    await page.getByRole('checkbox', { name: 'sin x₁' }).check();
    await page.locator('[data-unit="0:3"]').waitFor();
    assert.equal(await page.locator('[data-unit^="0:"]').count(), 4);
  });
});

/** The number of distinct colours of a unit's tile. */
function tileColours(page, unit) {
  return page.locator(`[data-unit="${unit}"]`).evaluate((tile) => {
    const c = tile.tagName === 'CANVAS' ? tile : tile.querySelector('canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  });
}

/** The std the detail panel gives for a focused unit. */
async function unitStd(page, unit) {
  await page.locator(`[data-unit="${unit}"]`).focus();
  const std = page.getByTestId('unit-detail').locator('[data-stat="std"]');
  await page.waitForFunction((u) => document.querySelector('[data-testid="unit-detail"] .net-detail-title')?.textContent.length > 0, unit);
  return Number((await std.textContent()).replace('−', '-'));
}

test('too-small init: the deep tanh units are blank maps, Xavier keeps them drawn', async () => {
  const net = 'hidden=64,64,64,64,64,64&activation=tanh&optimizer=sgd&learning_rate=0.1&stop_at_epoch=5';
  const result = {};
  for (const init of ['normal001', 'xavier']) {
    await withPage(env, `${net}&init=${init}`, { problems: 'none' }, async ({ page }) => {
      await page.getByRole('tab', { name: 'Network' }).click();
      await play(page);
      await waitFigure(page, 'epoch', '>=', 5);
      await page.locator('[data-unit="6:11"]').waitFor();
      await page.waitForTimeout(500);
      result[init] = {
        colours1: await tileColours(page, '1:0'),
        colours6: await tileColours(page, '6:0'),
        std1: await unitStd(page, '1:0'),
        std6: await unitStd(page, '6:0'),
      };
    });
  }
  console.log(`# Network tab, 6 tanh layers at epoch 5: ${JSON.stringify(result)}`);
  // N(0, 0.01²): layer 6's map is one flat colour (its outputs are all about 0) and its std is
  // far below layer 1's; with Xavier the same unit draws a picture.
  assert.equal(result.normal001.colours6, 1, 'a blank deep unit');
  assert.ok(result.normal001.std6 < result.normal001.std1 / 10, `std ${result.normal001.std6} vs ${result.normal001.std1}`);
  assert.ok(result.xavier.colours6 > 10, `Xavier's deep unit has ${result.xavier.colours6} colours`);
});

test('an 8 x 512 network keeps the page responsive in the Network tab', async () => {
  await withPage(env, `hidden=${Array(8).fill(512).join(',')}`, { problems: 'none' }, async ({ page }) => {
    await page.getByRole('tab', { name: 'Network' }).click();
    await page.locator('[data-unit="8:11"]').waitFor({ timeout: 30_000 });
    await page.evaluate(() => {
      window.__long = [];
      new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    await play(page);
    await waitFigure(page, 'epoch', '>=', 1, 60_000);
    await page.waitForTimeout(3000);
    // The page answers: Pause takes effect.
    const t0 = Date.now();
    await pause(page);
    await waitPaused(page, 30_000);
    const long = await page.evaluate(() => window.__long);
    console.log(`# 8 x 512 in the Network tab: Pause took ${Date.now() - t0} ms; ${long.length} long tasks, longest ${Math.round(Math.max(0, ...long))} ms`);
    assert.ok(Math.max(0, ...long) < 1000, 'no main-thread task of a second or more');
  });
});
