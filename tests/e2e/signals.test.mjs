// Owns the end-to-end test of signal data (MNIST-1D) in the page: the dataset menu offers it from
// the core's schema, the Data tab switches to the signals per class, the controls that do not
// apply hide, and a run trains above chance.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, withPage, play, pause } from './harness.mjs';

const env = useEnv();

test('choosing MNIST-1D draws signals per class, hides what does not apply, and trains', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await page.getByLabel('Dataset', { exact: true }).selectOption('mnist1d');
    await page.waitForFunction(() => document.body.dataset.plotMode === 'signals' && document.body.dataset.view === 'signals');
    assert.equal(await page.locator('#signals').isVisible(), true);
    assert.equal(await page.locator('#boundary').isVisible(), false);
    assert.equal(await page.locator('#view-title').textContent(), 'Signals');
    // The core's facts decide the controls: points, noise and the validation split are the
    // reference's; the per-class limit and label noise apply.
    for (const label of ['Points', 'Noise', 'Validation split']) {
      assert.equal(await page.getByLabel(label, { exact: true }).isVisible(), false, `${label} shows`);
    }
    for (const label of ['Training images per class', 'Label noise']) {
      assert.equal(await page.getByLabel(label, { exact: true }).isVisible(), true, `${label} hidden`);
    }
    // Coloured lines on the canvas: many pixels far from white and grey.
    await page.waitForFunction(() => {
      const c = document.querySelector('#signals');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
      return n > 500;
    }, null, { timeout: 20_000 });
    assert.match(await page.getByTestId('signals-note').textContent(), /6 validation signals of 40 values per class/);
    await play(page);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="epoch"]').dataset.value) >= 3, null, { timeout: 60_000 });
    await pause(page);
    const acc = Number(await page.getByTestId('val-acc').getAttribute('data-value'));
    console.log(`# MNIST-1D: validation accuracy ${acc} % after 3+ epochs`);
    assert.ok(acc > 20, `validation accuracy ${acc} %`);
    // Back to a 2D set: the plane returns.
    await page.getByLabel('Dataset', { exact: true }).selectOption('spiral');
    await page.waitForFunction(() => document.body.dataset.plotMode === 'classes' && document.body.dataset.view === 'regions');
    assert.equal(await page.locator('#signals').isVisible(), false);
  });
});
