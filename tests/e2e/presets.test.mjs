// Owns the end-to-end tests of the lecture demos: every preset in presets/lecture.json loads from
// the "Lecture demos" menu, shows its explanation, trains, and shows the outcome it is there to
// teach (read from the page's live figures, the layer histograms' statistics or the curves CSV).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { start, openPage, figure, waitFigure, ROOT, ARTIFACTS } from './harness.mjs';

const PRESETS = JSON.parse(readFileSync(path.join(ROOT, 'presets/lecture.json'), 'utf8'));

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const pause = (page) => page.getByRole('button', { name: 'Pause', exact: true }).click();

/** Opens the page, chooses a demo, and waits until its config is training. */
async function loadDemo(id) {
  const opened = await openPage(env);
  const { page } = opened;
  const before = await page.evaluate(() => Number(document.body.dataset.applied));
  await page.getByLabel('Lecture demos').selectOption(id);
  // Training has started: it is playing, or it has already trained (a fast demo such as early
  // stopping may stop by itself before a poll sees it playing).
  await page.waitForFunction(
    (n) => Number(document.body.dataset.applied) > n && (document.body.dataset.playing === 'true' || Number(document.body.dataset.step) > 0),
    before,
  );
  const preset = PRESETS.find((p) => p.id === id);
  assert.equal(await page.getByTestId('preset-explanation').textContent(), `${preset.title}: ${preset.explanation}`);
  // The config is in the URL hash.
  for (const [k, v] of Object.entries(preset.config)) {
    if (typeof v !== 'object') assert.ok(decodeURIComponent(await page.evaluate(() => location.hash)).includes(`${k}=${v}`), `${k}=${v} in the hash`);
  }
  return opened;
}

/** Finishes a demo test: a screenshot and no console errors. */
async function finish({ page, context, problems }, id) {
  await page.screenshot({ path: path.join(ARTIFACTS, `preset-${id}.png`) });
  assert.deepEqual(problems, []);
  await context.close();
}

/** A live layer statistic, e.g. stat(page, 3, 'act', 'std'). */
async function stat(page, layer, part, name) {
  return Number(await page.getByTestId(`layer-${layer}-${part}-${name}`).getAttribute('data-value'));
}

/** Downloads the curves CSV and returns its rows as objects of numbers. */
async function curvesCsv(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Curves CSV' }).click()]);
  const text = readFileSync(await download.path(), 'utf8').trim().split('\n');
  const head = text[0].split(',');
  return text.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [head[i], Number(v)])));
}

test('the menu lists every lecture demo', async () => {
  const { page, context, problems } = await openPage(env);
  const ids = await page.getByLabel('Lecture demos').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(ids, PRESETS.map((p) => p.id));
  assert.ok(PRESETS.length >= 17);
  assert.deepEqual(problems, []);
  await context.close();
});

test('zeros init: every hidden unit identical, stuck at chance', async () => {
  const o = await loadDemo('zeros-init');
  await o.page.getByRole('tab', { name: 'Layers' }).click();
  await waitFigure(o.page, 'epoch', '>=', 50);
  assert.equal(await stat(o.page, 1, 'act', 'std'), 0, 'all activations are equal (0)');
  assert.ok((await figure(o.page, 'val-acc')) < 45);
  await finish(o, 'zeros-init');
});

test('too-small init: the last layer\'s activation std is below a tenth of the first\'s', async () => {
  const o = await loadDemo('too-small-init');
  await o.page.getByRole('tab', { name: 'Layers' }).click();
  await waitFigure(o.page, 'epoch', '>=', 20);
  await o.page.waitForSelector('[data-testid="layer-6-act-std"]');
  const first = await stat(o.page, 1, 'act', 'std');
  const last = await stat(o.page, 6, 'act', 'std');
  console.log(`too-small init: layer 1 std ${first}, layer 6 std ${last}`);
  assert.ok(first > 0 && last < 0.1 * first, `layer 6 std ${last} vs layer 1 std ${first}`);
  await finish(o, 'too-small-init');
});

test('too-large init: most units of the deep tanh layers are saturated', async () => {
  const o = await loadDemo('too-large-init');
  await o.page.getByRole('tab', { name: 'Layers' }).click();
  await o.page.waitForSelector('[data-testid="layer-3-act-saturated"]');
  await waitFigure(o.page, 'epoch', '>=', 2);
  const sat = await stat(o.page, 3, 'act', 'saturated');
  console.log(`too-large init: layer 3 saturated ${sat} %`);
  assert.ok(sat > 80, `${sat} % saturated`);
  await finish(o, 'too-large-init');
});

for (const id of ['xavier-tanh', 'he-relu', 'softmax', 'hinge']) {
  test(`${id}: the network learns the spiral`, async () => {
    const o = await loadDemo(id);
    await waitFigure(o.page, 'val-acc', '>', 85, 60_000);
    if (id === 'xavier-tanh') {
      await o.page.getByRole('tab', { name: 'Layers' }).click();
      await o.page.waitForSelector('[data-testid="layer-6-act-std"]');
      const ratio = (await stat(o.page, 6, 'act', 'std')) / (await stat(o.page, 1, 'act', 'std'));
      assert.ok(ratio > 0.2, `activation std keeps its scale (last/first ${ratio})`);
    }
    if (id === 'hinge') assert.equal(await o.page.getByLabel('Loss', { exact: true }).inputValue(), 'hinge');
    await finish(o, id);
  });
}

test('deep sigmoid net: with BatchNorm it learns, without it stays near chance', async () => {
  const a = await loadDemo('deep-no-bn');
  await waitFigure(a.page, 'epoch', '>=', 60, 60_000);
  const without = await figure(a.page, 'val-acc');
  await finish(a, 'deep-no-bn');
  const b = await loadDemo('deep-bn');
  await waitFigure(b.page, 'epoch', '>=', 60, 60_000);
  await waitFigure(b.page, 'val-acc', '>', 60, 60_000);
  const withBn = await figure(b.page, 'val-acc');
  console.log(`deep sigmoid: without BN ${without} %, with BN ${withBn} %`);
  assert.ok(without < 50, `without BN ${without} %`);
  assert.ok(withBn > without + 15);
  await finish(b, 'deep-bn');
});

test('BatchNorm with batch size 2, evaluated with batch statistics: validation suffers', async () => {
  const o = await loadDemo('bn-batch-2');
  assert.equal(await o.page.getByLabel('Evaluate with batch statistics').isChecked(), true);
  await waitFigure(o.page, 'epoch', '>=', 10, 60_000);
  const val = await figure(o.page, 'val-acc');
  console.log(`BN batch 2: validation accuracy ${val} %`);
  assert.ok(val < 80, `validation accuracy ${val} %`);
  await finish(o, 'bn-batch-2');
});

/** Trains a demo for `ms` milliseconds at full speed and returns its final figures. */
async function trainFor(id, ms, untilEpoch = 0) {
  const o = await loadDemo(id);
  // A fixed epoch (when given) makes runs comparable whatever the machine's speed.
  if (untilEpoch > 0) await waitFigure(o.page, 'epoch', '>=', untilEpoch, 120_000);
  else await o.page.waitForTimeout(ms);
  await pause(o.page);
  await o.page.waitForFunction(() => document.body.dataset.playing === 'false');
  await o.page.waitForTimeout(200);
  const out = {
    epoch: await figure(o.page, 'epoch'),
    trainAcc: await figure(o.page, 'train-acc'), valAcc: await figure(o.page, 'val-acc'),
    trainLoss: await figure(o.page, 'train-loss'), valLoss: await figure(o.page, 'val-loss'),
  };
  await finish(o, id);
  return out;
}

test('overfit me, then dropout and L2 rescue the validation loss', async () => {
  // At epoch 300 the CLI gives validation losses of 6.4 (overfit), 3.1 (dropout), 0.8 (L2).
  const over = await trainFor('overfit-me', 0, 300);
  const drop = await trainFor('dropout-rescue', 0, 300);
  const l2 = await trainFor('l2-rescue', 0, 300);
  console.log('overfit-me', over, 'dropout', drop, 'l2', l2);
  assert.ok(over.trainAcc > over.valAcc + 10, 'training accuracy above validation accuracy');
  assert.ok(drop.valLoss < over.valLoss, 'dropout lowers the validation loss');
  assert.ok(l2.valLoss < over.valLoss, 'L2 lowers the validation loss');
});

test('augmentation closes the gap between training and validation accuracy on shapes', async () => {
  const plain = await trainFor('shapes-overfit', 6000);
  const aug = await trainFor('augmentation-rescue', 6000);
  console.log('shapes-overfit', plain, 'augmentation', aug);
  assert.ok(plain.trainAcc - plain.valAcc > 25, 'without augmentation it overfits');
  assert.ok(aug.trainAcc - aug.valAcc < plain.trainAcc - plain.valAcc - 15, 'augmentation closes the gap');
});

test('early stopping stops by itself, marks and restores the best epoch', async () => {
  const o = await loadDemo('early-stopping');
  await o.page.waitForFunction(() => document.body.dataset.playing === 'false', null, { timeout: 60_000 });
  await o.page.getByTestId('message').getByText(/Early stopping restored epoch \d+/).waitFor();
  const best = Number(await o.page.getByTestId('best-epoch').getAttribute('data-value'));
  assert.ok(best >= 1, `best epoch ${best}`);
  // The run can end within one figure refresh (100 ms), so the epoch figure may lag the message.
  await waitFigure(o.page, 'epoch', '==', best + 10, 5_000);
  const epoch = await figure(o.page, 'epoch');
  assert.ok(epoch === best + 10, `best epoch ${best}, stopped at epoch ${epoch}`);
  await finish(o, 'early-stopping');
});

test('ensemble of 5: five members and the ensemble are shown', async () => {
  const o = await loadDemo('ensemble-5');
  await waitFigure(o.page, 'epoch', '>=', 5);
  await o.page.waitForFunction(() => document.querySelector('[data-testid="members"]').dataset.count === '5');
  assert.match(await o.page.getByTestId('members').textContent(), /Members \(validation\): (\d+\.\d %, ){4}\d+\.\d % · ensemble/);
  await finish(o, 'ensemble-5');
});

test('mean subtraction lowers the training loss faster on raw digits', async () => {
  const losses = {};
  for (const id of ['mean-off', 'mean-on']) {
    const o = await loadDemo(id);
    await waitFigure(o.page, 'epoch', '>=', 5, 60_000);
    await pause(o.page);
    const rows = await curvesCsv(o.page);
    const row = rows.find((r) => r.epoch === 3);
    assert.ok(row, 'epoch 3 in the CSV');
    losses[id] = row.train_loss;
    await finish(o, id);
  }
  console.log('training loss at epoch 3', losses);
  assert.ok(losses['mean-on'] < losses['mean-off']);
});
