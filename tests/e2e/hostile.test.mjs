// Owns the end-to-end tests of hostile and clumsy input, second round: what a link, an imported
// file, a typed field or a stored value holds never freezes or traps the page. A 5,000-entry
// hidden list, an init lab that would need gigabytes, deeply nested JSON, a corrupted saved run,
// a storm of init-lab requests, and a link to "your images" that cannot carry them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, withPage, waitReady, waitFigure, play, playUntilEpoch } from './harness.mjs';

const env = useEnv();

const message = (page) => page.getByTestId('message').textContent();

test('a link with a 5,000-entry hidden list is refused at once, naming the field', async () => {
  const many = Array(5000).fill('1').join(',');
  const t0 = Date.now();
  await withPage(env, `hidden=${many}&learning_rate=0.02`, { problems: 'none' }, async ({ page }) => {
    const ms = Date.now() - t0;
    console.log(`# the page was ready ${ms} ms after opening a 5,000-layer link`);
    assert.ok(ms < 20_000, `ready after ${ms} ms`);
    assert.match(await message(page), /hidden: at most 16 layers, got 5000/);
    assert.equal(await page.getByLabel('Hidden layers', { exact: true }).inputValue(), '64, 64');
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.02', 'the rest of the link holds');
    // Typing 3,000 widths into the field is refused the same way, and training goes on.
    const field = page.getByLabel('Hidden layers', { exact: true });
    await field.fill(Array(3000).fill('8').join(', '));
    await field.press('Enter');
    await field.blur();
    await page.waitForFunction(() => /at most 16 layers, got 3000/.test(document.querySelector('[data-testid="message"]').textContent));
    assert.equal(await page.locator('.layers tbody tr').count(), 2, 'the per-layer table did not grow');
    await play(page);
    await waitFigure(page, 'epoch', '>=', 2);
  });
});

test('an init lab that would need gigabytes is refused by the core; nothing traps', async () => {
  await withPage(env, 'lab_batch=10000&lab_width=2048&lab_depth=50', { problems: 'none' }, async ({ page }) => {
    // The link's lab settings are over the memory budget: repaired with the field named.
    assert.match(await message(page), /lab_batch: the init lab would need about \d+ MB, more than the budget/);
    await page.getByRole('tab', { name: 'Init lab' }).click();
    await page.waitForFunction(() => Number(document.body.dataset.labRuns || 0) >= 1, null, { timeout: 60_000 });
    assert.doesNotMatch(await page.getByTestId('lab-summary').textContent(), /unreachable/);
    // A huge width typed in the lab view is refused by the core with the field named, and the
    // worker is not replaced (no trap).
    await page.locator('#lab-width').fill('2048');
    await page.locator('#lab-depth').fill('50');
    await page.getByRole('button', { name: 'Run lab' }).click();
    await page.waitForFunction(() => document.body.dataset.labBusy === 'false', null, { timeout: 60_000 });
    assert.match(await page.getByTestId('lab-summary').textContent(), /lab_batch: the init lab would need about \d+ MB/);
    await page.getByRole('tab', { name: 'Data' }).click();
    await play(page);
    await waitFigure(page, 'epoch', '>=', 2);
    assert.equal(await page.evaluate(() => document.body.dataset.fault ?? ''), '', 'no fault');
  });
});

test('deeply nested JSON in an imported file or a link is refused with a message', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    const deep = `{"hidden": ${'['.repeat(5000)}${']'.repeat(5000)}, "learning_rate": 0.03}`;
    await page.locator('#import-config').setInputFiles({ name: 'deep.json', mimeType: 'application/json', buffer: Buffer.from(deep) });
    await page.waitForFunction(() => /deep\.json nests deeper than 8 levels/.test(document.querySelector('[data-testid="message"]').textContent));
    const objects = `{"layer_overrides": ${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`;
    await page.locator('#import-config').setInputFiles({ name: 'objects.json', mimeType: 'application/json', buffer: Buffer.from(objects) });
    await page.waitForFunction(() => /objects\.json nests deeper than 8 levels/.test(document.querySelector('[data-testid="message"]').textContent));
    // A nested list in a link is not a list of widths.
    await page.evaluate((h) => {
      location.hash = h;
    }, `hidden=${'['.repeat(3000)}${']'.repeat(3000)}&learning_rate=0.04`);
    await page.waitForFunction(() => /hidden: .* is not a list of numbers/.test(document.querySelector('[data-testid="message"]').textContent));
    await page.waitForFunction(() => location.hash.includes('learning_rate=0.04'));
    assert.equal(await page.getByLabel('Hidden layers', { exact: true }).inputValue(), '64, 64');
  });
});

test('a corrupted saved run is dropped and reported; the Runs tab still lists the good ones', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await playUntilEpoch(page, 3);
    // Saved every two seconds; then one stored run loses its step count, another its curves.
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('overfit.runs.v1') ?? '[]').length >= 1, null, { timeout: 10_000 });
    await page.evaluate(() => {
      const runs = JSON.parse(localStorage.getItem('overfit.runs.v1'));
      const good = runs[0];
      const noStep = { ...good, id: 'bad-step', step: null };
      const noCurves = { ...good, id: 'bad-curves', curves: { epoch: [1], trainLoss: ['x'], valLoss: [1], trainScore: [1], valScore: [1] } };
      localStorage.setItem('overfit.runs.v1', JSON.stringify([noStep, good, noCurves]));
    });
    await page.reload();
    await waitReady(page);
    await page.getByRole('tab', { name: 'Runs' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="saved-run"]').length >= 1);
    assert.match(await page.getByTestId('runs-note').textContent(), /2 kept runs were unreadable .* dropped\. 1 recent run/);
    assert.equal(await page.getByTestId('saved-run').count(), 1);
  });
});

test('init-lab requests coalesce: at most one in flight and the newest waiting', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await play(page);
    await waitFigure(page, 'epoch', '>=', 1);
    for (let i = 0; i < 10; i++) {
      await page.getByRole('tab', { name: 'Init lab' }).click();
      await page.locator('.lab-quick button[data-init="xavier"]').click();
      await page.getByRole('tab', { name: 'Data' }).click();
    }
    await page.getByRole('tab', { name: 'Init lab' }).click();
    await page.waitForFunction(() => document.body.dataset.labBusy === 'false', null, { timeout: 60_000 });
    const runs = Number(await page.evaluate(() => document.body.dataset.labRuns));
    console.log(`# 10 quick lab clicks drew ${runs} lab result(s)`);
    assert.ok(runs >= 1 && runs <= 3, `${runs} lab results drawn for 10 requests`);
    // Training went on meanwhile.
    const step = Number(await page.evaluate(() => document.body.dataset.step));
    await page.waitForFunction((s) => Number(document.body.dataset.step) > s, step);
  });
});

test('a link to "your images" falls back to the default dataset, and the controls say what trains', async () => {
  await withPage(env, 'dataset=user&hidden=8&learning_rate=0.5', { problems: 'none' }, async ({ page }) => {
    assert.match(await message(page), /dataset: your own images are not loaded in this page/);
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'spiral');
    assert.equal(await page.getByLabel('Hidden layers', { exact: true }).inputValue(), '8');
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.5');
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /dataset=spiral/);
    assert.match(hash, /hidden=8(&|$)/);
    assert.match(hash, /learning_rate=0\.5(&|$)/);
  });
});
