// Owns the end-to-end tests of regression in the page and of TensorFlow Playground's small
// comforts: choosing a regression set switches the loss and the views (the fitted curve for 1D,
// a heatmap for 2D, R² and RMSE in the figures and the CSV); the sliders, the + / − buttons for
// layers and units, "Regenerate data", and the plane view's two switches.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useEnv, withPage, play, pause } from './harness.mjs';

const env = useEnv();

const hashParam = (page, key) => page.evaluate((k) => new URLSearchParams(location.hash.slice(1)).get(k), key);
const epochAtLeast = (page, n) => page.waitForFunction((e) => Number(document.querySelector('[data-testid="epoch"]').dataset.value) >= e, n, { timeout: 60_000 });

/** Counts the canvas's pixels close to a colour (r, g, b within 40). */
async function pixelsNear(page, [r, g, b]) {
  return page.locator('#boundary').evaluate((c, rgb) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - rgb[0]) < 40 && Math.abs(d[i + 1] - rgb[1]) < 40 && Math.abs(d[i + 2] - rgb[2]) < 40) n++;
    }
    return n;
  }, [r, g, b]);
}

test('choosing a 1D regression set switches the loss to MSE and draws the fitted curve with R² and RMSE', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await page.getByLabel('Dataset', { exact: true }).selectOption('sine');
    await page.waitForFunction(() => document.body.dataset.plotMode === 'curve');
    assert.equal(await page.getByLabel('Loss', { exact: true }).inputValue(), 'mse');
    assert.equal(await hashParam(page, 'loss'), 'mse');
    assert.equal(await page.getByTestId('score-head').textContent(), 'R² · RMSE');
    // The features do not apply to 1D data; the noise slider does.
    assert.equal(await page.getByRole('group', { name: 'Input features' }).isVisible(), false);
    await play(page);
    await epochAtLeast(page, 40);
    await pause(page);
    const draws = Number(await page.evaluate(() => document.body.dataset.boundaryDraws));
    assert.ok(draws > 0, 'the fitted function was drawn');
    // The curve is drawn in the page's text colour across the plot: many dark pixels.
    const dark = await pixelsNear(page, [28, 34, 48]);
    console.log(`# 1D fit: ${dark} curve pixels after ${draws} draws`);
    assert.ok(dark > 200, `curve pixels ${dark}`);
    const r2 = Number(await page.getByTestId('val-acc').getAttribute('data-value')) / 100;
    const rmse = Number(await page.getByTestId('val-acc').getAttribute('data-rmse'));
    assert.ok(r2 > 0.5 && r2 <= 1, `validation R² ${r2}`);
    assert.ok(rmse > 0 && rmse < 1, `validation RMSE ${rmse}`);
    assert.match(await page.getByTestId('val-acc').textContent(), /^\d\.\d{3} · /);
    // The CSV names the scores for what they are.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Curves CSV' }).click()]);
    const head = readFileSync(await download.path(), 'utf8').split('\n').find((l) => !l.startsWith('#'));
    assert.equal(head, 'epoch,train_loss,val_loss,train_r2,val_r2,train_rmse,val_rmse');
    // Back to a classification set: the loss follows.
    await page.getByLabel('Dataset', { exact: true }).selectOption('circles');
    await page.waitForFunction(() => document.body.dataset.plotMode === 'classes');
    assert.equal(await page.getByLabel('Loss', { exact: true }).inputValue(), 'softmax');
    assert.equal(await page.getByTestId('score-head').textContent(), 'Accuracy');
  });
});

test('a 2D regression set is drawn as a heatmap of the predicted value, blue below 0 and orange above', async () => {
  await withPage(env, 'dataset=gaussians&hidden=32,32', { problems: 'none' }, async ({ page }) => {
    await page.waitForFunction(() => document.body.dataset.plotMode === 'surface');
    assert.equal(await hashParam(page, 'loss'), 'mse');
    // A link without a loss takes the dataset's own (MSE), with no note about a repaired value.
    assert.doesNotMatch(await page.getByTestId('message').textContent(), /Ignored/);
    await play(page);
    await epochAtLeast(page, 40);
    await pause(page);
    await page.waitForTimeout(400);
    // The Okabe–Ito blue (0, 114, 178) and orange (230, 159, 0), faded toward white.
    const blue = await pixelsNear(page, [96, 160, 208]);
    const orange = await pixelsNear(page, [236, 190, 96]);
    console.log(`# 2D regression heatmap: ${blue} bluish and ${orange} orange-ish pixels`);
    assert.ok(blue > 500 && orange > 500, `blue ${blue}, orange ${orange}`);
    const r2 = Number(await page.getByTestId('val-acc').getAttribute('data-value')) / 100;
    assert.ok(r2 > 0.5, `validation R² ${r2}`);
  });
});

test('sliders, + / − layer and unit buttons and Regenerate data edit the config and the link', async () => {
  await withPage(env, 'hidden=64,64', { problems: 'none' }, async ({ page }) => {
    // + layer copies the last width; + units doubles from 8 on; − undoes.
    await page.getByRole('button', { name: 'Add a hidden layer' }).click();
    await page.waitForFunction(() => location.hash.includes('hidden=64,64,64'));
    await page.getByRole('button', { name: 'More units in every hidden layer' }).click();
    await page.waitForFunction(() => location.hash.includes('hidden=128,128,128'));
    await page.getByRole('button', { name: 'Remove a hidden layer' }).click();
    await page.getByRole('button', { name: 'Fewer units in every hidden layer' }).click();
    await page.waitForFunction(() => /hidden=64,64(&|$)/.test(location.hash));
    assert.equal(await page.getByLabel('Hidden layers', { exact: true }).inputValue(), '64, 64');
    // The batch-size slider moves in powers of two and the number box follows.
    const slider = page.getByLabel('Batch size slider');
    await slider.fill('6');
    await page.waitForFunction(() => location.hash.includes('batch_size=64'));
    assert.equal(await page.getByLabel('Batch size', { exact: true }).inputValue(), '64');
    // The number box still works and moves the slider.
    await page.getByLabel('Noise', { exact: true }).fill('0.35');
    await page.getByLabel('Noise', { exact: true }).press('Enter');
    await page.waitForFunction(() => location.hash.includes('noise=0.35'));
    assert.equal(await page.getByLabel('Noise slider').inputValue(), '0.35');
    // Regenerate data: a fresh data seed, in the link, and new samples.
    const run = Number(await page.evaluate(() => document.body.dataset.run));
    await page.getByRole('button', { name: 'Regenerate data' }).click();
    // The link holds data_seed=0 until the fresh seed arrives: wait for the fresh one.
    await page.waitForFunction(() => Number(new URLSearchParams(location.hash.slice(1)).get('data_seed')) > 0);
    const seed = Number(await hashParam(page, 'data_seed'));
    assert.ok(seed > 0, `data seed ${seed}`);
    await page.waitForFunction((r) => Number(document.body.dataset.run) > r, run);
    await page.getByRole('button', { name: 'Regenerate data' }).click();
    await page.waitForFunction((s) => Number(new URLSearchParams(location.hash.slice(1)).get('data_seed')) !== s, seed);
  });
});

test('the plane view hides the validation points and discretizes the regions on request', async () => {
  await withPage(env, 'dataset=circles&points=400', { problems: 'none' }, async ({ page }) => {
    await play(page);
    await epochAtLeast(page, 10);
    await pause(page);
    await page.waitForTimeout(300);
    const shown = page.getByRole('button', { name: 'Validation points' });
    assert.equal(await shown.getAttribute('aria-pressed'), 'true');
    const white = () => pixelsNear(page, [255, 255, 255]);
    // Rings have white outlines: hiding the validation points removes many white pixels.
    const before = await white();
    await shown.click();
    assert.equal(await shown.getAttribute('aria-pressed'), 'false');
    const after = await white();
    assert.ok(after < before, `white pixels ${before} -> ${after}`);
    // Discretized regions are the class colours at full strength: fewer distinct shades.
    const shades = () => page.locator('#boundary').evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 16) seen.add((d[i] >> 3) * 1024 + (d[i + 1] >> 3) * 32 + (d[i + 2] >> 3));
      return seen.size;
    });
    const soft = await shades();
    await page.getByRole('button', { name: 'Discretize' }).click();
    const hard = await shades();
    console.log(`# plane switches: white pixels ${before} -> ${after}; shades ${soft} -> ${hard}`);
    assert.ok(hard < soft, `shades ${soft} -> ${hard}`);
    // Kept in this browser.
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.equal(await page.getByRole('button', { name: 'Discretize' }).getAttribute('aria-pressed'), 'true');
  });
});
