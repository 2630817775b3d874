// Owns the end-to-end tests of the views' readability: the log-scale toggles of the training
// curves (and that the choice survives a reload), the charts' height while Compare A/B shows at
// 1280x720, the confusion matrix's font size and class-name tooltips on digits, the Lecture demos
// menu wide enough for its names, the plots before the settings on a phone-sized screen, and the
// curves CSV without a thinning comment on a short run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { useEnv, withPage, waitReady, playUntilEpoch, ARTIFACTS } from './harness.mjs';

const env = useEnv();

/** The scales and tick labels the curves module notes on a chart's container. */
async function chartState(page, id) {
  return page.evaluate((i) => {
    const d = document.getElementById(i).dataset;
    return { x: d.xScale, y: d.yScale, xTicks: d.xTicks ?? '', yTicks: d.yTicks ?? '', floor: d.logFloor ?? '' };
  }, id);
}

/** Waits until a chart's container reports these scales. */
async function waitScales(page, id, x, y) {
  await page.waitForFunction(([i, xs, ys]) => {
    const d = document.getElementById(i).dataset;
    return d.xScale === xs && d.yScale === ys;
  }, [id, x, y]);
}

/** Plays until the epoch counter reaches `epochs`, then pauses and waits until the page says so. */
const playTo = (page, epochs) => playUntilEpoch(page, epochs, { timeout: 60_000, waitPaused: true });

test('Log loss and Log epochs change the charts and survive a reload', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    const logLoss = page.getByRole('button', { name: 'Log loss', exact: true });
    const logEpochs = page.getByRole('button', { name: 'Log epochs', exact: true });
    assert.equal(await logLoss.getAttribute('aria-pressed'), 'false');
    assert.equal(await logEpochs.getAttribute('aria-pressed'), 'false');
    assert.match(await logLoss.getAttribute('title'), /logarithmic/);
    assert.match(await logLoss.getAttribute('title'), /1e-12/);
    assert.match(await logEpochs.getAttribute('title'), /both charts/);
    await playTo(page, 60);
    const linear = await chartState(page, 'loss-chart');
    assert.equal(linear.x, 'linear');
    assert.equal(linear.y, 'linear');

    await logLoss.click();
    await waitScales(page, 'loss-chart', 'linear', 'log');
    assert.equal(await logLoss.getAttribute('aria-pressed'), 'true');
    const logY = await chartState(page, 'loss-chart');
    console.log(`loss axis ticks, linear: "${linear.yTicks}"; log: "${logY.yTicks}"`);
    assert.notEqual(logY.yTicks, linear.yTicks);
    // A log axis of whole decades labels powers of ten (0.01, 0.1, 1, 10 or 1e-5 ...).
    const decades = logY.yTicks.split(' ').filter((t) => Number(t) > 0 && Math.abs(Math.log10(Number(t)) - Math.round(Math.log10(Number(t)))) < 1e-9);
    assert.ok(decades.length >= 2, `decade labels on the log loss axis: "${logY.yTicks}"`);
    // The accuracy chart keeps its linear percent axis.
    assert.equal((await chartState(page, 'acc-chart')).y, 'linear');

    await logEpochs.click();
    await waitScales(page, 'loss-chart', 'log', 'log');
    await waitScales(page, 'acc-chart', 'log', 'linear');
    const logX = await chartState(page, 'acc-chart');
    console.log(`epoch axis ticks, linear: "${linear.xTicks}"; log: "${logX.xTicks}"`);
    assert.notEqual(logX.xTicks, linear.xTicks);
    assert.ok(logX.xTicks.split(' ').includes('1') && logX.xTicks.split(' ').includes('10'), `log epoch ticks "${logX.xTicks}"`);
    assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem('overfit.chart.v1'))), { logLoss: true, logEpochs: true });
    // The choice is not part of the config's link.
    assert.doesNotMatch(await page.evaluate(() => location.hash), /log/i);
    await page.screenshot({ path: path.join(ARTIFACTS, 'curves-log-scales.png') });

    await page.reload();
    await waitReady(page);
    assert.equal(await logLoss.getAttribute('aria-pressed'), 'true');
    assert.equal(await logEpochs.getAttribute('aria-pressed'), 'true');
    await waitScales(page, 'loss-chart', 'log', 'log');
    await waitScales(page, 'acc-chart', 'log', 'linear');
    await playTo(page, 20);
    const reloaded = await chartState(page, 'loss-chart');
    console.log(`after reload: loss chart x ${reloaded.x}, y ${reloaded.y}, y ticks "${reloaded.yTicks}", x ticks "${reloaded.xTicks}"`);

    // Both off again: the charts are linear.
    await logLoss.click();
    await logEpochs.click();
    await waitScales(page, 'loss-chart', 'linear', 'linear');
    await waitScales(page, 'acc-chart', 'linear', 'linear');
    assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem('overfit.chart.v1'))), { logLoss: false, logEpochs: false });
  });
});

test('a training loss of exactly 0 is drawn at a floor on the log loss axis', async () => {
  // Hinge loss on blobs reaches a loss of exactly 0 within a few epochs, after positive ones.
  await withPage(env, 'dataset=blobs&loss=hinge', { problems: 'none' }, async ({ page }) => {
    await page.getByRole('button', { name: 'Log loss', exact: true }).click();
    await waitScales(page, 'loss-chart', 'linear', 'log');
    await playTo(page, 200);
    const s = await chartState(page, 'loss-chart');
    const trainLoss = await page.getByTestId('train-loss').textContent();
    console.log(`hinge on blobs: training loss "${trainLoss}", log floor "${s.floor}", y ticks "${s.yTicks}"`);
    if (Number(trainLoss) === 0) {
      assert.ok(Number(s.floor) > 0 && Number(s.floor) >= 1e-12, `floor ${s.floor}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'curves-log-zero-loss.png') });
  });
});

test('Compare A/B at 1280x720 keeps both charts at least 200 px high', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await page.getByRole('button', { name: 'Compare A/B' }).click();
    await page.waitForFunction(() => document.body.dataset.compare === 'on');
    await page.getByTestId('compare-panel').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelectorAll('.chart-box canvas').length >= 2);
    // Read the boxes in the page: a chart may be redrawn (its canvas replaced) between two calls.
    const box = (sel) => page.evaluate((s) => {
      const r = document.querySelector(s).getBoundingClientRect();
      return { y: r.y, height: r.height };
    }, sel);
    await page.waitForFunction(() => document.querySelector('#acc-chart canvas')?.getBoundingClientRect().height > 0);
    const loss = await box('#loss-chart canvas');
    const acc = await box('#acc-chart canvas');
    const panel = await box('[data-testid="compare-panel"]');
    console.log(`compare at 1280x720: compare panel ${Math.round(panel.height)} px, loss chart ${Math.round(loss.height)} px, accuracy chart ${Math.round(acc.height)} px high`);
    assert.ok(loss.height >= 200, `loss chart ${loss.height} px`);
    assert.ok(acc.height >= 200, `accuracy chart ${acc.height} px`);
    // The charts do not overlap: the accuracy chart starts below the loss chart.
    assert.ok(acc.y >= loss.y + loss.height - 1);
  });
});

test('digits: confusion counts at 11 px or more, class names with titles, menu names whole', async () => {
  await withPage(env, 'dataset=digits', { problems: 'none' }, async ({ page }) => {
    await playTo(page, 5);
    const confusion = page.locator('#confusion');
    await page.waitForFunction(() => Number(document.getElementById('confusion').dataset.total) > 0);
    const fontPx = Number(await confusion.getAttribute('data-font-px'));
    const labelPx = Number(await confusion.getAttribute('data-label-font-px'));
    console.log(`confusion matrix: counts ${fontPx} px, class names ${labelPx} px`);
    assert.ok(fontPx >= 11, `counts at ${fontPx} px`);
    assert.ok(labelPx >= 11, `class names at ${labelPx} px`);
    // Over the row names, the tooltip names the true class in full.
    const box = await confusion.boundingBox();
    await page.mouse.move(box.x + 3, box.y + box.height * 0.6);
    const rowTitle = await confusion.getAttribute('title');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const cellTitle = await confusion.getAttribute('title');
    console.log(`titles: row name "${rowTitle}"; cell "${cellTitle}"`);
    assert.match(rowTitle, /^True class \(row \d+\): \d$/);
    assert.match(cellTitle, /validation images of class \d predicted as \d/);

    // The validation grid's tooltip names the predicted and true classes in full.
    const grid = await page.locator('#val-grid').boundingBox();
    await page.mouse.move(grid.x + grid.width / 2, grid.y + grid.height / 2);
    const gridTitle = await page.locator('#val-grid').getAttribute('title');
    console.log(`validation grid title: "${gridTitle}"`);

    // The augmentation preview's note is not cut.
    const note = await page.getByTestId('preview-note').evaluate((e) => ({ text: e.textContent, scroll: e.scrollWidth, client: e.clientWidth }));
    console.log(`preview note "${note.text}": ${note.scroll} px of text in ${note.client} px`);
    assert.ok(note.scroll <= note.client + 1);

    // The Lecture demos menu is as wide as its longest name (plus the arrow).
    const menu = await page.getByLabel('Lecture demos').evaluate((select) => {
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = getComputedStyle(select).font;
      const widest = Math.max(...[...select.options].map((o) => ctx.measureText(o.textContent).width));
      return { widest: Math.round(widest), width: select.clientWidth };
    });
    console.log(`Lecture demos menu ${menu.width} px wide, longest name ${menu.widest} px`);
    assert.ok(menu.width >= menu.widest, `menu ${menu.width} px for a name of ${menu.widest} px`);

    // Import config is not styled as the page's main action.
    const colors = await page.evaluate(() => {
      const style = (el) => getComputedStyle(el).backgroundColor;
      return { play: style(document.getElementById('play')), importConfig: style(document.querySelector('label.file-button.small')), exportConfig: style(document.getElementById('export-config')) };
    });
    console.log(`backgrounds: Play ${colors.play}, Import config ${colors.importConfig}, Export config ${colors.exportConfig}`);
    assert.notEqual(colors.importConfig, colors.play);
    assert.equal(colors.importConfig, colors.exportConfig);
    await page.screenshot({ path: path.join(ARTIFACTS, 'digits-readable.png') });
  });
});

test('at 390x844 the plots come before the settings', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => document.querySelector('.curves').getBoundingClientRect().top < document.querySelector('.settings').getBoundingClientRect().top);
    const top = await page.evaluate(() => Object.fromEntries(['settings', 'view', 'curves'].map((c) => [c, Math.round(document.querySelector(`.${c}`).getBoundingClientRect().top + scrollY)])));
    console.log(`390x844: tops of the panels ${JSON.stringify(top)}`);
    assert.ok(top.curves < top.settings);
    assert.ok(top.view < top.settings);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-390x844.png'), fullPage: true });
  });
});

test('the curves CSV of a short run has no thinning comment', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await playTo(page, 10);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Curves CSV' }).click()]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    console.log(`curves CSV: ${lines.length} lines, first "${lines[0]}"`);
    assert.equal(lines.filter((l) => l.startsWith('#')).length, 0);
    assert.match(lines[0], /^epoch,train_loss,val_loss,train_acc,val_acc/);
    assert.ok(lines.length >= 11);
  });
});

test('the curves CSV of a run past 2,049 epochs says it was thinned', async () => {
  // A small network on a few points trains thousands of epochs in seconds.
  await withPage(env, 'points=100&hidden=8', { problems: 'none' }, async ({ page }) => {
    await playTo(page, 2100);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Curves CSV' }).click()]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    console.log(`thinned curves CSV: ${lines.length} lines, first "${lines[0]}"`);
    const m = /^# thinned: every ([\d,]+)(?:st|nd|rd|th) epoch kept \(([\d,]+) of ([\d,]+) epochs\), newest always kept$/.exec(lines[0]);
    assert.ok(m, lines[0]);
    const [stride, kept, total] = m.slice(1).map((t) => Number(t.replace(/,/g, '')));
    assert.ok(stride >= 2);
    assert.equal(lines.filter((l) => l.startsWith('#')).length, 1);
    assert.match(lines[1], /^epoch,/);
    // The rows a parser reads once it skips the '#' line: every stride-th epoch and the newest.
    const epochs = lines.filter((l) => !l.startsWith('#')).slice(1).map((l) => Number(l.split(',')[0]));
    assert.equal(epochs.length, kept);
    assert.equal(epochs.at(-1), total);
    assert.ok(epochs.slice(0, -1).every((e) => e % stride === 0));
  });
});
