// Owns the end-to-end test of sweeps computed elsewhere in the Experiments tab: a tiny sweep run
// in the page (spiral, width 4 and 16, 1 seed, 3 epochs) exported for Ray as a Python script,
// its CSV imported back through Import results (CSV) and shown as computed elsewhere with the
// same runs drawn at the same places, drawn beside the browser's own sweep; a spec the core
// refuses, a damaged CSV and a file over the core's limit named in the status line, an imported
// regression sweep drawn as R², the page still working after them. The pure parts are tested in Node (tests/unit/sweep-import.test.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { useEnv, withPage, openExperiments, fillSweep, ARTIFACTS } from './harness.mjs';

const env = useEnv();

const drawn = (page) => page.evaluate(() => window.overfitDebug.sweep.drawn());
const status = (page) => page.getByTestId('sweep-status').textContent();
const csvFile = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

test('Export for Ray downloads the script; the CSV imported back is drawn as computed elsewhere, beside the browser\'s sweep', async () => {
  await withPage(env, 'dataset=spiral', { problems: 'none' }, async ({ page }) => {
    await openExperiments(page);
    await fillSweep(page, { values: '4, 16', seeds: 1, epochs: 3 });
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => document.body.dataset.sweep === 'done', null, { timeout: 120_000 });
    await page.waitForFunction(() => document.body.dataset.sweepOrigin === 'browser' && window.overfitDebug.sweep.drawn().length === 2);
    const own = await drawn(page);
    // In run order: the pool keeps records in the order runs finish, the CSV in run order.
    const ownRecords = (await page.evaluate(() => window.overfitDebug.sweep.records())).sort((a, b) => a.run - b.run);

    // Export for Ray: the core's script for the spec Run sweep would run.
    const [ray] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export for Ray' }).click()]);
    assert.equal(ray.suggestedFilename(), 'sweep_ray.py');
    const script = readFileSync(await ray.path(), 'utf8');
    assert.match(script, /^def trial\(/m);
    assert.match(script, /"knob":"width"/);
    assert.match(script, /"values":\[4,16\]/);
    assert.match(script, /"dataset": "spiral"/);
    assert.match(await status(page), /sweep_ray\.py.*python3 sweep_ray\.py/);

    // The CSV, imported back: the same runs, computed elsewhere, drawn at the same places.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV', exact: true }).click()]);
    const csv = readFileSync(await csvDownload.path(), 'utf8');
    await page.getByTestId('sweep-import-csv').setInputFiles(csvFile('ray-width.csv', csv));
    await page.waitForFunction(() => document.body.dataset.sweepOrigin === 'imported' && window.overfitDebug.sweep.drawn().length === 2);
    assert.match(await status(page), /2 runs computed elsewhere \(imported from ray-width\.csv\)/);
    assert.match(await page.locator('#sweep-saved option:checked').textContent(), /computed elsewhere \(imported from ray-width\.csv\)/);
    const records = await page.evaluate(() => window.overfitDebug.sweep.records());
    assert.deepEqual(records.map((r) => [r.run, r.value, r.seed, r.steps]), ownRecords.map((r) => [r.run, r.value, r.seed, r.steps]));
    for (const [i, r] of records.entries()) assert.equal(r.final_val_score, Math.fround(ownRecords[i].final_val_score));
    const theirs = await drawn(page);
    assert.equal(theirs.length, own.length);
    for (const d of own) {
      const t = theirs.find((x) => x.run === d.run);
      assert.ok(Math.abs(t.x - d.x) < 0.01 && Math.abs(t.y - d.y) < 0.01, `run ${d.run}: browser (${d.x}, ${d.y}), imported (${t.x}, ${t.y})`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'sweep-imported.png') });

    // A run of the imported sweep: its figures, no curve, no settings.
    await page.locator('#sweep-chart').scrollIntoViewIfNeeded();
    const box = await page.locator('#sweep-chart').boundingBox();
    const dot = await page.evaluate(() => window.overfitDebug.sweep.dotOf(1));
    await page.mouse.click(box.x + dot.x, box.y + dot.y);
    await page.getByTestId('sweep-detail').waitFor();
    const title = await page.getByTestId('sweep-detail-title').textContent();
    assert.match(title, /Run 2: Hidden width 16, seed 1, 3 epochs/);
    assert.match(title, /computed elsewhere \(imported from ray-width\.csv\).*curve was not exported/);
    assert.equal(await page.getByRole('button', { name: 'Use settings' }).isDisabled(), true);

    // Beside the browser's own sweep: two series, the imported dots where the browser's are.
    await page.getByTestId('sweep-compare').check();
    await page.waitForFunction(() => document.body.dataset.sweepCompared === 'true' && window.overfitDebug.sweep.drawn().length === 4);
    const both = await drawn(page);
    assert.deepEqual([...new Set(both.map((d) => d.series))].sort(), ['computed elsewhere', 'this browser']);
    for (const d of both.filter((x) => x.series === 'computed elsewhere')) {
      const b = both.find((x) => x.series === 'this browser' && x.run === d.run);
      assert.ok(Math.abs(b.y - d.y) < 0.01, `run ${d.run}: ${b.y} vs ${d.y}`);
    }
    assert.match(await status(page), /Drawn beside this browser's sweep/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'sweep-compared.png') });
    await page.getByTestId('sweep-compare').uncheck();
    await page.waitForFunction(() => document.body.dataset.sweepCompared === 'false');

    // The imported sweep is kept across a reload, with its marker.
    await page.reload();
    await openExperiments(page);
    await page.waitForFunction(() => document.body.dataset.sweepOrigin === 'imported');
    assert.match(await status(page), /computed elsewhere \(imported from ray-width\.csv\)/);
  });
});

test('a spec the core refuses, a damaged CSV and a file over the limit are named; the page keeps working', async () => {
  await withPage(env, 'dataset=spiral', { problems: 'none' }, async ({ page }) => {
    await openExperiments(page);
    // A width the core refuses: no download, the core's message in the status line.
    await fillSweep(page, { values: '4, 99999', seeds: 1, epochs: 3 });
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.getByRole('button', { name: 'Export for Ray' }).click();
    await page.waitForFunction(() => document.body.dataset.sweepError === 'values');
    assert.match(await status(page), /Refused the sweep for Ray: .*width must be an integer from 1 to/);
    assert.equal(downloads, 0);

    // A damaged CSV: the column and the row named.
    const head = 'run,width,seed,epochs,steps,final_train_loss,final_val_loss,final_train_score,final_val_score,best_train_loss,best_val_loss,best_train_score,best_val_score,best_epoch,fit_epoch,early_stopped,diverged';
    const good = '0,4,1,3,30,0.5,0.6,0.9,0.8,0.5,0.6,0.9,0.8,3,,false,false';
    await page.getByTestId('sweep-import-csv').setInputFiles(csvFile('bad.csv', `${head}\n${good}\n1,16,1,3,30,0.5,0.6,0.9,lots,0.5,0.6,0.9,0.8,3,,false,false\n`));
    await page.waitForFunction(() => document.body.dataset.sweepError === 'final_val_score');
    assert.match(await status(page), /Refused bad\.csv: final_val_score: row 3: must be a number or empty, got "lots"/);
    assert.equal(await page.evaluate(() => document.body.dataset.sweepsKept), '0');

    // A file over the core's limit is refused before it is read.
    await page.getByTestId('sweep-import-csv').setInputFiles(csvFile('huge.csv', `${head}\n${' '.repeat(2 * 1024 * 1024)}`));
    await page.waitForFunction(() => document.body.dataset.sweepError === 'csv');
    assert.match(await status(page), /Refused huge\.csv: it has .* bytes; a sweep CSV has at most/);

    // A file that names its dataset: a regression sweep's scores are drawn as R², not accuracy.
    const sine = [0, 1].map((run) => `${run},${4 + 12 * run},1,3,30,0.5,0.6,0.9,${0.7 + 0.1 * run},0.5,0.6,0.9,0.8,3,,false,false,sine`);
    await page.getByTestId('sweep-import-csv').setInputFiles(csvFile('sine.csv', `${head},dataset\n${sine.join('\n')}\n`));
    await page.waitForFunction(() => document.body.dataset.sweepOrigin === 'imported' && window.overfitDebug.sweep.drawn().length === 2);
    await page.locator('#sweep-metric').selectOption('accuracy');
    await page.waitForFunction(() => /R²/.test(window.overfitDebug.sweep.labels()?.metric ?? ''));
    assert.equal((await page.evaluate(() => window.overfitDebug.sweep.labels())).metric, 'final R²');
    assert.equal(await page.locator('#sweep-metric option:checked').textContent(), 'R²', 'the menu names the score too');
    // Two datasets in one file: refused, naming the column.
    await page.getByTestId('sweep-import-csv').setInputFiles(csvFile('mixed.csv', `${head},dataset\n${sine[0]}\n${sine[1].replace(/sine$/, 'spiral')}\n`));
    await page.waitForFunction(() => document.body.dataset.sweepError === 'dataset');
    assert.match(await status(page), /Refused mixed\.csv: dataset: row 3: every run of a sweep has the same dataset/);

    // The page still imports a good file and runs a sweep.
    await page.getByTestId('sweep-import-csv').setInputFiles(csvFile('good.csv', `${head}\n${good}\n`));
    await page.waitForFunction(() => document.body.dataset.sweepOrigin === 'imported' && window.overfitDebug.sweep.drawn().length === 1);
    await page.waitForFunction(() => document.querySelector('#sweep-metric option:checked')?.textContent === 'Accuracy');
    await fillSweep(page, { values: '4', seeds: 1, epochs: 2, workers: 1 });
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => document.body.dataset.sweep === 'done' && document.body.dataset.sweepOrigin === 'browser', null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.sweepsKept), '3');
  });
});
