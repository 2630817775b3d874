// Owns the end-to-end tests of the pace: the Speed control (default watchable, + and − keys, kept
// in this browser), Max, "Stop at epoch", Space on a focused Play button, and the tabs' arrow keys.
// Timing is never asserted tightly: the pace is checked as epochs per wall second within a wide
// band, and the measured figure is printed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, withPage, waitReady, figure, waitFigure, setControl, button, play, waitPaused } from './harness.mjs';

const env = useEnv();

test('the default speed is watchable, + and − change it, and the choice is kept', async () => {
  await withPage(env, { problems: 'none', speed: null }, async ({ page }) => {
    const speed = page.getByLabel('Speed', { exact: true });
    assert.equal(await speed.inputValue(), '10');
    assert.deepEqual(await speed.locator('option').allTextContents(), ['1 epochs/s', '3 epochs/s', '10 epochs/s', '30 epochs/s', '100 epochs/s', 'Max']);
    await play(page);
    await waitFigure(page, 'epoch', '>=', 1);
    const t0 = Date.now();
    const e0 = await figure(page, 'epoch');
    await page.waitForTimeout(3000);
    const e1 = await figure(page, 'epoch');
    const rate = ((e1 - e0) * 1000) / (Date.now() - t0);
    console.log(`# default speed: ${rate.toFixed(1)} epochs/s (limit 10)`);
    // The first 100 epochs must take at least 5 s: at most 20 epochs/s, and it does move.
    assert.ok(rate <= 20, `${rate} epochs/s`);
    assert.ok(rate >= 2, `${rate} epochs/s`);
    // Space on the focused Play button pauses (the button does not swallow it).
    await button(page, 'Play').focus();
    await page.keyboard.press('Space');
    await waitPaused(page);
    // + goes one step faster; the choice survives a reload.
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('+');
    assert.equal(await speed.inputValue(), '30');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    assert.equal(await speed.inputValue(), '3');
    await page.reload();
    await waitReady(page);
    assert.equal(await page.getByLabel('Speed', { exact: true }).inputValue(), '3');
  });
});

test('Max trains as fast as it can; Stop at epoch pauses exactly there', async () => {
  await withPage(env, 'stop_at_epoch=40', { problems: 'none' }, async ({ page }) => {
    assert.equal(await page.getByLabel('Speed', { exact: true }).inputValue(), 'max');
    const t0 = Date.now();
    await play(page);
    await page.getByTestId('message').getByText('Paused at epoch 40').waitFor({ timeout: 30_000 });
    console.log(`# Max: 40 epochs in ${Date.now() - t0} ms`);
    await waitFigure(page, 'epoch', '==', 40);
    assert.equal(await page.evaluate(() => document.body.dataset.playing), 'false');
    assert.equal(await page.evaluate(() => window.overfitDebug.curves(100).epochsB), 40);
    // Play again does nothing while the stop stands; raised, training goes on to the new stop.
    await play(page);
    await page.waitForTimeout(500);
    assert.equal(await figure(page, 'epoch'), 40);
    await setControl(page, 'Stop at epoch', 45);
    await play(page);
    await page.getByTestId('message').getByText('Paused at epoch 45').waitFor({ timeout: 30_000 });
    await waitFigure(page, 'epoch', '==', 45);
  });
});

test('the tabs follow the WAI-ARIA tabs pattern', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    const data = page.getByRole('tab', { name: 'Data' });
    await data.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.body.dataset.tab), 'network');
    assert.equal(await page.getByRole('tab', { name: 'Network' }).getAttribute('tabindex'), '0');
    assert.equal(await data.getAttribute('tabindex'), '-1');
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.body.dataset.tab), 'experiments');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.body.dataset.tab), 'main');
  });
});
