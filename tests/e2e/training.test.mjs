// Owns the end-to-end tests of training from the page: Play learns the spiral, Pause stops the
// step counter, Step advances one epoch (Shift+Step one mini-batch), a learning-rate change keeps training going while a new
// architecture rebuilds the model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useEnv, withPage, figure, waitFigure, setControl, play, pause, waitPaused, ARTIFACTS } from './harness.mjs';

const env = useEnv();


/**
 * Starts recording every value the step figure shows from now on (the page updates it at most
 * once per animation frame); `stepValues(page)` returns them.
 */
async function recordSteps(page) {
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="step"]');
    window.__steps = [Number(el.textContent.replace(/,/g, ''))];
    window.__stepObserver?.disconnect();
    window.__stepObserver = new MutationObserver(() => window.__steps.push(Number(el.textContent.replace(/,/g, ''))));
    window.__stepObserver.observe(el, { childList: true, characterData: true, subtree: true });
  });
}
const stepValues = (page) => page.evaluate(() => window.__steps.slice());

test('Play trains the default 3-class spiral past 90 % validation accuracy', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'spiral');
    assert.equal(await page.getByLabel('Classes', { exact: true }).inputValue(), '3');
    assert.equal(await figure(page, 'step'), 0);
    await play(page);
    await waitFigure(page, 'val-acc', '>', 90, 60_000);
    const valScore = await page.getByTestId('val-acc').textContent();
    assert.match(valScore, /^\d+\.\d %$/, 'accuracy shown as a percentage');
    // Steps per second is measured over a quarter of a second, so it may trail the accuracy.
    await waitFigure(page, 'steps-per-sec', '>', 0, 5_000);
    assert.ok((await figure(page, 'epoch')) >= 1);
    // The charts have drawn something: uPlot's legend shows the latest values.
    await pause(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'spiral-trained-1280x720.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'spiral-trained-1920x1080.png') });
  });
});

test('Pause stops the step counter', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await play(page);
    await waitFigure(page, 'step', '>', 200);
    await pause(page);
    await waitPaused(page);
    const a = await figure(page, 'step');
    await page.waitForTimeout(1000);
    const b = await figure(page, 'step');
    assert.ok(a > 200, `step ${a}`);
    assert.equal(b, a, 'no step after Pause');
    assert.equal(await figure(page, 'steps-per-sec'), 0);
    // Play resumes from where it stopped.
    await play(page);
    await waitFigure(page, 'step', '>', a);
    await pause(page);
  });
});

test('Step advances one epoch, Shift+Step one mini-batch, while paused', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    const step = page.getByRole('button', { name: 'Step', exact: true });
    assert.equal(await figure(page, 'step'), 0);
    await step.click({ modifiers: ['Shift'] });
    await waitFigure(page, 'step', '==', 1, 10_000);
    await step.click({ modifiers: ['Shift'] });
    await waitFigure(page, 'step', '==', 2, 10_000);
    // A plain Step trains to the end of the epoch: the default spiral has 420 training points in
    // batches of 32, 14 steps per epoch, and the curves get that epoch's record at once.
    await step.click();
    await waitFigure(page, 'epoch', '==', 1, 10_000);
    assert.equal(await figure(page, 'step'), 14);
    await step.click();
    await waitFigure(page, 'epoch', '==', 2, 10_000);
    assert.equal(await figure(page, 'step'), 28);
    await page.waitForFunction(() => window.overfitDebug.curves(5).epochsB === 2);
    await page.waitForTimeout(500);
    assert.equal(await figure(page, 'step'), 28, 'a step does not start playing');
    assert.equal(await page.evaluate(() => document.body.dataset.playing), 'false');
    // Reset goes back to step 0.
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await waitFigure(page, 'step', '==', 0, 10_000);
  });
});

test('a learning-rate change keeps training; a Hidden layers change rebuilds', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await play(page);
    await waitFigure(page, 'step', '>', 1000);
    await recordSteps(page);
    await setControl(page, 'Learning rate', 0.005);
    await page.waitForFunction(() => location.hash.includes('learning_rate=0.005'));
    await page.waitForTimeout(1000);
    const afterLr = await stepValues(page);
    assert.ok(afterLr.length > 5, `the step figure kept updating (${afterLr.length} values)`);
    for (let i = 1; i < afterLr.length; i++) {
      assert.ok(afterLr[i] >= afterLr[i - 1], `step went back from ${afterLr[i - 1]} to ${afterLr[i]}`);
    }
    assert.ok(afterLr.at(-1) > afterLr[0], 'training went on');
    assert.equal((await page.getByTestId('message').textContent()).trim(), '');

    // Let the step counter grow well past what a fresh run reaches in a few frames.
    const high = afterLr.at(-1);
    const runBefore = await page.evaluate(() => Number(document.body.dataset.run));
    await recordSteps(page);
    await setControl(page, 'Hidden layers', '32');
    await page.waitForFunction(() => location.hash.includes('hidden=32&'));
    await page.waitForTimeout(300);
    const afterHidden = await stepValues(page);
    const lowest = Math.min(...afterHidden);
    // Within a run the counter only grows, so any lower value means a restart. (The page draws
    // only the newest snapshot, so on a busy machine the small new network may already be a few
    // thousand steps in when the first frame shows it.)
    assert.ok(lowest < high, `the step counter restarted (lowest ${lowest}, before ${high})`);
    assert.equal(await page.evaluate(() => Number(document.body.dataset.run)), runBefore + 1, 'exactly one new run');
    assert.equal(await page.getByLabel('Hidden layers', { exact: true }).inputValue(), '32');
    // Still playing after the rebuild.
    const now = await figure(page, 'step');
    await waitFigure(page, 'step', '>', now);
    await pause(page);
  });
});
