// Owns the end-to-end tests of the Experiments tab (its pure helpers are tested in Node in
// tests/unit/experiments-store.test.mjs): in Chromium a small sweep (width 2, 8,
// 32 × 2 seeds, 30 epochs) on 2 workers whose chart has every point, whose point opens its run
// and "Use settings", whose CSV has one row per run with the numbers `overfit sweep` prints for
// the same spec; cancel mid-sweep; the sweep kept across a reload and in the link; and the claims
// of the capacity and normalization presets read off the page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { hashPart } from '../../www/experiments/sweep-store.js';
import { useEnv, withPage, openExperiments, fillSweep, ROOT, ARTIFACTS } from './harness.mjs';

const presets = JSON.parse(readFileSync(new URL('../../presets/experiments.json', import.meta.url), 'utf8'));

const env = useEnv();

const SMALL = { knob: 'width', values: [2, 8, 32], seeds: 2, epochs: 30 };
const CIRCLES = 'dataset=circles&noise=0.3';

const waitSweep = (page, state, timeout = 120_000) => page.waitForFunction((s) => document.body.dataset.sweep === s, state, { timeout });

/** Runs `overfit sweep` on a spec; returns the records by run. */
function cliRecords(spec, threads = 2) {
  const bin = path.join(ROOT, 'target/release/overfit');
  execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const out = execFileSync(bin, ['sweep', '-', '--threads', String(threads)], { input: JSON.stringify(spec), encoding: 'utf8' });
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  lines.pop();
  return lines.sort((a, b) => a.run - b.run);
}

test('a small sweep on 2 workers: every point, a point opens its run, CSV equals overfit sweep', async () => {
  await withPage(env, CIRCLES, { problems: 'none' }, async ({ page }) => {
    await openExperiments(page);
    await fillSweep(page, { values: '2, 8, 32', seeds: 2, epochs: 30 });
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await waitSweep(page, 'done');
    assert.equal(await page.evaluate(() => document.body.dataset.sweepRuns), '6');
    assert.equal(await page.evaluate(() => document.body.dataset.sweepRecords), '6');
    // Two dots (training and validation) per run.
    assert.equal(await page.evaluate(() => window.overfitDebug.sweep.dots()), 12);
    await page.screenshot({ path: path.join(ARTIFACTS, 'experiments-small.png') });
    // Click run 3's validation dot: its curves and figures open.
    await page.locator('#sweep-chart').scrollIntoViewIfNeeded();
    const dot = await page.evaluate(() => window.overfitDebug.sweep.dotOf(3));
    const box = await page.locator('#sweep-chart').boundingBox();
    await page.mouse.click(box.x + dot.x, box.y + dot.y);
    await page.getByTestId('sweep-detail').waitFor();
    assert.equal(await page.getByTestId('sweep-detail').getAttribute('data-run'), '3');
    assert.match(await page.getByTestId('sweep-detail-title').textContent(), /Run 4: Hidden width 8, seed 2, 30 epochs/);
    // CSV: one row per run, the same numbers as `overfit sweep` on the same spec.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'CSV', exact: true }).click();
    const csvPath = await (await download).path();
    const rows = readFileSync(csvPath, 'utf8').trim().split('\n');
    assert.equal(rows.length, 1 + 6);
    const head = rows[0].split(',');
    const cli = cliRecords({ ...SMALL, config: { dataset: 'circles', noise: 0.3 } });
    assert.equal(cli.length, 6);
    for (const [i, row] of rows.slice(1).entries()) {
      const cells = Object.fromEntries(row.split(',').map((v, j) => [head[j], v]));
      assert.equal(Number(cells.run), i);
      assert.equal(Number(cells.width), cli[i].value);
      assert.equal(Number(cells.seed), cli[i].seed);
      for (const k of ['final_train_loss', 'final_val_loss', 'final_train_score', 'final_val_score', 'best_val_loss']) {
        assert.ok(Math.abs(Number(cells[k]) - cli[i][k]) <= 1e-6, `run ${i} ${k}: page ${cells[k]}, CLI ${cli[i][k]}`);
      }
    }
    console.log(`page vs overfit sweep: 6 runs, final validation losses ${rows.slice(1).map((r) => r.split(',')[head.indexOf('final_val_loss')]).join(', ')}`);
    // The spec as a JSON file, with its config; read back by Import sweep.
    const jsonDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export sweep' }).click();
    const specPath = await (await jsonDownload).path();
    const exported = JSON.parse(readFileSync(specPath, 'utf8'));
    assert.deepEqual([exported.knob, exported.values, exported.seeds, exported.epochs], ['width', [2, 8, 32], 2, 30]);
    assert.equal(exported.config.dataset, 'circles');
    await page.locator('#sweep-values').fill('5');
    await page.locator('#sweep-import').setInputFiles(specPath);
    await page.waitForFunction(() => document.querySelector('#sweep-values').value === '2, 8, 32');
    // "Use settings" loads run 3's config (width 8, seed 2) into the main view.
    await page.getByRole('button', { name: 'Use settings' }).click();
    await page.waitForFunction(() => /hidden=8(%2C|,)8|hidden=8&/.test(location.hash) && /seed=2/.test(location.hash));
    assert.equal(await page.evaluate(() => document.body.dataset.tab), 'main');
    // The sweep is kept across a reload.
    await page.reload();
    await openExperiments(page);
    await page.waitForFunction(() => Number(document.body.dataset.sweepsKept) >= 1);
    await page.waitForFunction(() => window.overfitDebug.sweep.dots() === 12);
  });
});

test('cancel stops every worker mid-sweep, and the spec travels in the link', async () => {
  const spec = { knob: 'width', values: [64, 128, 256, 512], seeds: 3, epochs: 400 };
  await withPage(env, `${CIRCLES}${hashPart(spec)}`, { problems: 'none' }, async ({ page }) => {
    // The link opens the Experiments tab with the spec in the form.
    await page.waitForFunction(() => document.body.dataset.sweepReady === 'true' && document.body.dataset.tab === 'experiments');
    assert.equal(await page.locator('#sweep-values').inputValue(), '64, 128, 256, 512');
    assert.equal(await page.locator('#sweep-epochs').inputValue(), '400');
    const workersBefore = await page.evaluate(() => performance.now());
    await page.locator('#sweep-workers').fill('2');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => document.body.dataset.sweep === 'running');
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await waitSweep(page, 'cancelled', 5000);
    const done = Number(await page.evaluate(() => document.body.dataset.sweepRecords));
    assert.ok(done < 12, `${done} of 12 runs finished before cancel`);
    // No record arrives after the cancel: the workers are gone.
    await page.waitForTimeout(2000);
    assert.equal(Number(await page.evaluate(() => document.body.dataset.sweepRecords)), done);
    assert.match(await page.getByTestId('sweep-status').textContent(), /Cancelled/);
    assert.ok(workersBefore > 0);
    // A bad spec names its field.
    await page.locator('#sweep-values').fill('2, 0');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => document.body.dataset.sweepError === 'values');
    assert.match(await page.getByTestId('sweep-status').textContent(), /values: value 2 \(0\): width must be an integer from 1 to 1024/);
  });
});

/** Runs a preset in the page (2 workers) and returns its records. */
async function runPreset(page, id) {
  await page.getByTestId('sweep-preset').selectOption(id);
  await page.waitForFunction(() => document.body.dataset.applied && /dataset=/.test(location.hash));
  await page.locator('#sweep-workers').fill('2');
  // The preset's config reaches the worker before the sweep reads it.
  await page.evaluate(() => window.overfitDebug.sync());
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await waitSweep(page, 'running');
  await waitSweep(page, 'done', 240_000);
  return page.evaluate(() => window.overfitDebug.sweep.records());
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const medErr = (records, value, series = null, split = 'val') => median(records.filter((r) => r.value === value && (r.series ?? null) === series).map((r) => 1 - r[`final_${split}_score`]));

test('the capacity preset: validation error falls, then rises again, while training error falls toward 0', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await openExperiments(page);
    const preset = presets.find((p) => p.id === 'capacity');
    const records = await runPreset(page, 'capacity');
    assert.equal(records.length, preset.spec.values.length * preset.spec.seeds);
    assert.match(await page.getByTestId('sweep-preset-text').textContent(), /U of underfitting and overfitting/);
    const val = preset.spec.values.map((v) => medErr(records, v));
    console.log(`capacity (page): median validation error per width ${preset.spec.values.map((v, i) => `${v}: ${(val[i] * 100).toFixed(1)} %`).join(', ')}`);
    const min = Math.min(...val);
    const at = val.indexOf(min);
    assert.ok(at > 0 && at < val.length - 1, `the minimum is inside: ${val}`);
    const train = preset.spec.values.map((v) => medErr(records, v, null, 'train'));
    console.log(`capacity (page): median training error per width ${preset.spec.values.map((v, i) => `${v}: ${(train[i] * 100).toFixed(1)} %`).join(', ')}`);
    assert.ok(val[0] > min + 0.1, `the narrowest width underfits: ${val}`);
    assert.ok(train[train.length - 1] <= 0.05 && train[train.length - 1] < train[0] - 0.2, `the widest fits its training set: ${train}`);
    assert.ok(val[val.length - 1] >= min + 0.02, `the widest is worse again: ${val}`);
    await page.locator('#sweep-chart').screenshot({ path: path.join(ARTIFACTS, 'experiments-capacity.png') });
  });
});

test('the normalization preset: BatchNorm\'s error rises at batch 2, LayerNorm\'s stays', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await openExperiments(page);
    const records = await runPreset(page, 'norm-batch');
    assert.equal(records.length, 7 * 3 * 3);
    const bn2 = medErr(records, 2, 'batch');
    const bn32 = medErr(records, 32, 'batch');
    const ln2 = medErr(records, 2, 'layer');
    const ln32 = medErr(records, 32, 'layer');
    console.log(`norm (page): BatchNorm error batch 2 ${(bn2 * 100).toFixed(1)} %, batch 32 ${(bn32 * 100).toFixed(1)} %; LayerNorm batch 2 ${(ln2 * 100).toFixed(1)} %, batch 32 ${(ln32 * 100).toFixed(1)} %`);
    assert.ok(bn2 >= bn32 + 0.1, 'BatchNorm\'s error rises at batch 2');
    assert.ok(bn2 >= ln2 + 0.1, 'above LayerNorm\'s');
    assert.ok(ln2 <= ln32 + 0.05, 'LayerNorm\'s stays');
    await page.locator('#sweep-chart').screenshot({ path: path.join(ARTIFACTS, 'experiments-norm.png') });
  });
});

test('a sweep of 200 runs keeps the workers\' memory flat', async () => {
  await withPage(env, 'points=100', { problems: 'none' }, async ({ page }) => {
    await openExperiments(page);
    await fillSweep(page, { knob: 'learning_rate', values: '0.001 to 0.1, 10 values, log', seeds: 20, epochs: 2 });
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => Number(document.body.dataset.sweepRecords) >= 40, null, { timeout: 120_000 });
    const early = Number(await page.evaluate(() => document.body.dataset.sweepWasmBytes));
    const heapEarly = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
    await waitSweep(page, 'done', 240_000);
    assert.equal(await page.evaluate(() => document.body.dataset.sweepRecords), '200');
    const late = Number(await page.evaluate(() => document.body.dataset.sweepWasmBytes));
    const heapLate = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
    console.log(`200 runs: pool worker wasm memory ${early} bytes after 40 runs, ${late} after 200; main-thread JS heap ${heapEarly} -> ${heapLate} bytes`);
    assert.ok(early > 0);
    assert.equal(late, early, 'the wasm memory does not grow run after run');
  });
});
