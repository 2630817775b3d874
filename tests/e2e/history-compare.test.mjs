// Owns the end-to-end tests of keeping work and of the A/B comparison: the config and the recent
// runs survive a reload and a crash, "Clear history" forgets the runs; Compare A/B trains the
// pinned config A in a second worker beside B, lists their differences, overlays A's curves, and
// gives identical curves when the two configs differ in nothing that affects training.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useEnv, withPage, waitReady, waitFigure, setControl, button, play, pause, playUntilEpoch, ARTIFACTS } from './harness.mjs';

const env = useEnv();

const dataset = (page, key) => page.evaluate((k) => document.body.dataset[k], key);

test('the config and the recent runs survive a crash and a reload; Clear history forgets the runs', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await setControl(page, 'Learning rate', 0.03);
    await page.waitForFunction(() => location.hash.includes('learning_rate=0.03'));
    await play(page);
    await waitFigure(page, 'epoch', '>=', 5);
    // A crash saves the run at once, with its curves, as stopped by a fault.
    await page.evaluate(() => window.overfitDebug.post({ type: 'debug-panic', message: 'crash for the history test' }));
    await page.waitForFunction(() => document.body.dataset.fault === 'fatal' && Number(document.body.dataset.savedRuns) >= 1);

    // Reload without the link: the settings come back, and the run is listed with its figures.
    await page.goto(env.url);
    await waitReady(page);
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.03');
    assert.match(await page.getByTestId('message').textContent(), /Restored your last settings; your last run is drawn in grey/);
    await page.getByRole('tab', { name: 'Runs' }).click();
    const runs = page.getByTestId('saved-run');
    assert.equal(await runs.count(), 1);
    const text = await runs.first().textContent();
    assert.match(text, /spiral · 64-64 relu · adam lr 0\.03/);
    assert.match(text, /stopped by a fault/);
    assert.match(text, /best validation \d+\.\d %/);
    // Its curves are drawn in grey over the new run's (the legend names them).
    assert.match(await page.locator('#acc-chart').textContent(), /saved validation/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'runs-tab.png') });

    // A second run is kept beside the first; Clear history forgets both, the settings stay.
    await playUntilEpoch(page, 3);
    await page.waitForFunction(() => Number(document.body.dataset.savedRuns) === 2, null, { timeout: 10_000 });
    assert.equal(await runs.count(), 2);
    await button(page, 'Clear history').click();
    assert.equal(await runs.count(), 0);
    assert.equal(await dataset(page, 'savedRuns'), '0');
    await page.goto(env.url);
    await waitReady(page);
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.03');
    await page.getByRole('tab', { name: 'Runs' }).click();
    assert.equal(await runs.count(), 0);
    assert.match(await page.getByTestId('runs-note').textContent(), /No runs kept yet/);
  });
});

test('Compare A/B trains A in its own worker, lists the differences and overlays both runs', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await button(page, 'Compare A/B').click();
    await page.waitForFunction(() => document.body.dataset.compare === 'on');
    const diff = page.getByTestId('compare-diff');
    assert.match(await diff.textContent(), /No difference yet/);
    // Another seed means other data; back to the same seed, both runs restart together and must
    // give identical curves (same data, seed and initial weights).
    await setControl(page, 'Seed', 2);
    await page.waitForFunction(() => document.querySelector('[data-testid="compare-diff"]').dataset.count === '1');
    assert.match(await diff.textContent(), /Seed: A 1 → B 2/);
    assert.match(await page.getByTestId('compare-same').textContent(), /The data differ/);
    await setControl(page, 'Seed', 1);
    await page.waitForFunction(() => document.querySelector('[data-testid="compare-diff"]').dataset.count === '0');
    assert.match(await diff.textContent(), /No difference yet/);
    assert.match(await page.getByTestId('compare-same').textContent(), /Same data, seed and initial weights/);
    await play(page);
    await page.waitForFunction(() => {
      const c = window.overfitDebug.curves(5);
      return c.epochsA >= 5 && c.epochsB >= 5;
    }, null, { timeout: 30_000 });
    const same = await page.evaluate(() => window.overfitDebug.curves(5));
    assert.deepEqual(same.a, same.b, 'identical configs give identical curves');
    assert.equal(page.workers().length, 2, 'A trains in a worker of its own');

    // B gets dropout: listed as a difference, still the same initial weights; the runs restart together.
    const runBeforeDropout = await page.evaluate(() => document.body.dataset.run);
    await setControl(page, 'Dropout', 0.5);
    await page.waitForFunction(() => document.querySelector('[data-testid="compare-diff"]').dataset.count === '1');
    assert.match(await diff.textContent(), /Dropout: A 0 → B 0\.5/);
    assert.match(await page.getByTestId('compare-same').textContent(), /Same data, seed and initial weights/);
    // The restart first: the curves from before it already had 5 epochs, and were identical.
    await page.waitForFunction((r) => document.body.dataset.run !== r, runBeforeDropout, { timeout: 30_000 });
    await page.waitForFunction(() => {
      const c = window.overfitDebug.curves(5);
      return c.epochsA >= 5 && c.epochsB >= 5;
    }, null, { timeout: 30_000 });
    const differ = await page.evaluate(() => window.overfitDebug.curves(5));
    assert.notDeepEqual(differ.a, differ.b, 'dropout changes B\'s curve');
    // Both runs are in the charts, with their figures and gaps in the panel.
    await page.waitForFunction(() => /A validation/.test(document.querySelector('#acc-chart').textContent) && /B validation/.test(document.querySelector('#acc-chart').textContent));
    await page.waitForFunction(() => /A at epoch \d+: .*gap/.test(document.querySelector('[data-testid="compare-figures"]').textContent)
      && /B at epoch \d+: .*gap/.test(document.querySelector('[data-testid="compare-figures"]').textContent));
    // The init lab's settings are config fields too, but running the lab restarts neither run:
    // the step counters go on from where they were.
    const runBefore = await dataset(page, 'run');
    const stepA = Number(await dataset(page, 'compareStep'));
    await page.getByRole('tab', { name: 'Init lab' }).click();
    await page.waitForFunction(() => Number(document.body.dataset.labRuns || 0) >= 1, null, { timeout: 60_000 });
    await page.locator('.lab-quick button[data-init="he"]').click();
    await page.waitForFunction(() => Number(document.body.dataset.labRuns || 0) >= 2, null, { timeout: 60_000 });
    await page.waitForFunction((s) => Number(document.body.dataset.compareStep) > s, stepA);
    assert.equal(await dataset(page, 'run'), runBefore, 'B was not restarted by the lab');
    assert.ok(Number(await dataset(page, 'compareStep')) > stepA, 'A was not restarted by the lab');
    assert.match(await page.evaluate(() => location.hash), /lab_init=he/);
    await page.getByRole('tab', { name: 'Data' }).click();
    // Pause stops both workers.
    await pause(page);
    await page.waitForTimeout(500);
    const a0 = Number(await dataset(page, 'compareStep'));
    const b0 = Number(await dataset(page, 'step'));
    await page.waitForTimeout(1000);
    assert.equal(Number(await dataset(page, 'compareStep')), a0, 'A paused');
    assert.equal(Number(await dataset(page, 'step')), b0, 'B paused');
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare-ab-1280x720.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare-ab-1920x1080.png') });

    await button(page, 'Stop comparing').click();
    await page.waitForFunction(() => !document.body.dataset.compare);
    await page.waitForTimeout(300);
    assert.equal(page.workers().length, 1);
    assert.doesNotMatch(await page.locator('#acc-chart').textContent(), /A validation/);
  });
});

test('Compare A/B keeps the runs side by side: the faster one waits for the slower one', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await button(page, 'Compare A/B').click();
    await page.waitForFunction(() => document.body.dataset.compare === 'on');
    // B is a much bigger network than A (64-64), so it trains far fewer epochs per second.
    await setControl(page, 'Hidden layers', '512, 512, 512');
    await page.waitForFunction(() => document.querySelector('[data-testid="compare-diff"]').dataset.count === '1');
    await play(page);
    const epochs = () => page.evaluate(() => {
      const c = window.overfitDebug.curves(0);
      return { a: c.epochsA, b: c.epochsB, hold: document.body.dataset.compareHold };
    });
    const seen = [];
    for (let i = 0; i < 12; i++) {
      await page.waitForTimeout(500);
      seen.push(await epochs());
    }
    await pause(page);
    console.log(`A/B epochs while training side by side: ${seen.map((e) => `${e.a}/${e.b}`).join(' ')}`);
    const last = seen.at(-1);
    assert.ok(last.b >= 5, `B trained ${last.b} epochs`);
    // A alone would be several times ahead; paced, it is at most its slack (a couple of its own
    // chunks, here well under 60 epochs) ahead of B at any moment.
    for (const e of seen) assert.ok(e.a - e.b <= 60, `A at epoch ${e.a}, B at ${e.b} (holds ${e.hold})`);
    // Stopping the comparison lifts B's limit: B trains on alone.
    await button(page, 'Stop comparing').click();
    await page.waitForFunction(() => !document.body.dataset.compare);
    assert.equal(await dataset(page, 'compareHold'), '-,-');
  });
});

