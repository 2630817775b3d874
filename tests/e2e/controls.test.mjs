// Owns the end-to-end tests of the lecture toolbox controls: every knob has a visible label, an
// accessible name and a tooltip with its formula; sub-controls show only where they apply but
// stay in the config; a per-layer override round-trips through the URL hash; the hinge loss
// trains; early stopping, ensembles and divergence are reported in the page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useEnv, withPage, waitReady, figure, waitFigure, setControl, play, pause, waitPaused, playUntilEpoch, ARTIFACTS } from './harness.mjs';

const env = useEnv();

const hash = (page) => page.evaluate(() => decodeURIComponent(location.hash));
const control = (page, label) => page.getByLabel(label, { exact: true });
const message = async (page) => (await page.getByTestId('message').textContent()).trim();

/** Chooses an option of a labelled select and waits until the worker has accepted the config. */
async function choose(page, label, value) {
  const before = await page.evaluate(() => Number(document.body.dataset.applied));
  await control(page, label).selectOption(value);
  await page.waitForFunction((n) => Number(document.body.dataset.applied) > n, before);
}

/**
 * Every control of the toolbox and of the image issue, by its exact accessible name (= its
 * visible label), with a piece of its tooltip: the formula or the fact it must state.
 */
const CONTROLS = [
  ['Dataset', /2D toy problem/],
  ['Classes', /classes/i],
  ['Validation split', /held out for validation/],
  ['Training images per class', /0 = all/],
  ['Label noise', /random class/],
  ['Image size', /8 to 32/],
  ['Colour', /0\.299 R \+ 0\.587 G \+ 0\.114 B/],
  ['Clutter', /background/],
  ['Pre-processing', /\(x − μ\) \/ σ/],
  ['Horizontal flip', /left–right/],
  ['Vertical flip', /top–bottom/],
  ['Crop padding', /pad/],
  ['Padding mode', /mirrored/],
  ['Translate', /pixels/],
  ['Brightness', /\[−b, b\]/],
  ['Contrast', /\[1 − c, 1 \+ c\]/],
  ['Test-time view', /mirror/],
  ['Per-layer settings', /one hidden layer/],
  ['Activation', /max\(0, x\)/],
  ['Leaky slope', /max\(αx, x\)/],
  ['Maxout pieces', /max_\{j=1\.\.k\}/],
  ['Initialization', /N\(0, 2\/n_in\)/],
  ['Init scale', /σ of the N\(0, σ²\)/],
  ['Normalization', /BatchNorm/],
  ['Norm position', /activation/],
  ['Groups', /nn\.GroupNorm/],
  ['BatchNorm momentum', /running = m · running \+ \(1 − m\)/],
  ['Dropout', /1\/\(1 − p\)/],
  ['Test-time scaling', /inverted dropout/],
  ['L2', /\(λ\/2\) Σ w²/],
  ['L1', /λ Σ \|w\|/],
  ['Early-stop patience', /0 = off/],
  ['Ensemble size', /bootstrap/],
  ['Loss', /max\(0, s_k − s_y \+ margin\)/],
  ['Hinge margin', /Δ/],
  ['Optimizer', /w ← w − lr·g/],
  ['Momentum', /v ← μv − lr · g/],
  ['Nesterov', /look-ahead/],
  ['Beta1', /β1/],
  ['Beta2', /β2/],
  ['Epsilon', /ε/],
  ['LR schedule', /factor\^⌊epoch \/ every⌋/],
  ['Decay every', /epochs/],
  ['Decay factor', /factor/],
  ['Batch size', /per gradient step/],
];

test('every toolbox and image control has a label, an accessible name and a tooltip with its formula', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    for (const [label, tooltip] of CONTROLS) {
      // The per-layer table is named by its caption; every other control by its <label>.
      const el = label === 'Per-layer settings' ? page.getByRole('table', { name: /Per-layer settings/ }) : control(page, label);
      assert.equal(await el.count(), 1, `one control named "${label}"`);
      const title = await el.getAttribute('title');
      assert.match(title ?? '', tooltip, `the tooltip of "${label}" says ${tooltip}`);
      if (label !== 'Per-layer settings') {
        // The name comes from a visible <label> element with the same text.
        const id = await el.getAttribute('id');
        assert.equal((await page.locator(`label[for="${id}"]`).textContent()).trim(), label);
      }
    }
    // Enum options carry the names the lecture uses, and their own formula as a tooltip.
    const init = control(page, 'Initialization');
    const initTexts = await init.locator('option').allTextContents();
    for (const text of ['Zeros', 'N(0, 0.01²)', 'N(0, 1)', 'N(0, σ²)', 'U(−a, a)', 'Xavier N(0, 1/n_in)', 'He N(0, 2/n_in)']) {
      assert.ok(initTexts.includes(text), `Initialization offers "${text}" (has ${initTexts})`);
    }
    assert.deepEqual(
      await control(page, 'Activation').locator('option').evaluateAll((os) => os.map((o) => o.value)),
      ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'maxout', 'identity'],
    );
    assert.match(await control(page, 'Activation').locator('option[value="elu"]').getAttribute('title'), /e\^x − 1/);
    assert.deepEqual(await control(page, 'Loss').locator('option').evaluateAll((os) => os.map((o) => o.value)), ['softmax', 'hinge', 'logistic', 'mse', 'l1', 'huber']);
    assert.match(await control(page, 'Loss').locator('option[value="mse"]').getAttribute('title'), /\(s − t\)²/);
    assert.deepEqual(await control(page, 'Normalization').locator('option').evaluateAll((os) => os.map((o) => o.value)), ['none', 'batch', 'layer', 'group']);
    assert.match(await control(page, 'Normalization').locator('option[value="group"]').getAttribute('title'), /G = 1 is LayerNorm.*InstanceNorm.*β alone/);
    assert.deepEqual(await control(page, 'Pre-processing').locator('option').evaluateAll((os) => os.map((o) => o.value)), ['none', 'mean', 'standardize']);
    assert.deepEqual(
      await control(page, 'Dataset').locator('option').allTextContents(),
      ['Spiral', 'Circles', 'XOR', 'Blobs', 'Moons', 'Digits (8×8, real)', 'MNIST-1D (signals)', 'Shapes', 'Arrows (left/right)', 'Your images', 'Sine (1D regression)', 'Step (1D regression)', 'Cubic (1D regression)', 'Few points (1D regression)', 'Plane (2D regression)', 'Gaussians (2D regression)'],
    );

    // The settings are grouped in collapsible sections.
    const sections = await page.locator('#controls > details:visible > summary').allTextContents();
    assert.deepEqual(sections.slice(0, 4), ['Data', 'Model', 'Regularization', 'Optimization'], 'augmentation is hidden for 2D data');
    await page.locator('summary', { hasText: 'Regularization' }).click();
    assert.equal(await control(page, 'Dropout').isVisible(), false, 'a closed section hides its controls');
    await page.locator('summary', { hasText: 'Regularization' }).click();
    assert.equal(await control(page, 'Dropout').isVisible(), true);

    // Sub-controls show only where they apply; their values stay in the config and the link.
    assert.equal(await control(page, 'Leaky slope').isVisible(), false);
    await choose(page, 'Activation', 'leaky_relu');
    assert.equal(await control(page, 'Leaky slope').isVisible(), true);
    assert.equal(await control(page, 'Maxout pieces').isVisible(), false);
    await choose(page, 'Activation', 'maxout');
    assert.equal(await control(page, 'Maxout pieces').isVisible(), true);
    assert.equal(await control(page, 'Leaky slope').isVisible(), false);

    assert.equal(await control(page, 'Momentum').isVisible(), false, 'no momentum for Adam');
    assert.equal(await control(page, 'Beta1').isVisible(), true);
    await choose(page, 'Optimizer', 'momentum');
    assert.equal(await control(page, 'Momentum').isVisible(), true);
    assert.equal(await control(page, 'Nesterov').isVisible(), true);
    assert.equal(await control(page, 'Beta1').isVisible(), false);
    await setControl(page, 'Momentum', 0.8);
    await page.waitForFunction(() => location.hash.includes('momentum=0.8'));
    await choose(page, 'Optimizer', 'adam');
    assert.equal(await control(page, 'Momentum').isVisible(), false);
    assert.match(await hash(page), /&momentum=0\.8(&|$)/, 'a hidden setting keeps its value in the link');

    assert.equal(await control(page, 'Decay every').isVisible(), false);
    await choose(page, 'LR schedule', 'step');
    assert.equal(await control(page, 'Decay every').isVisible(), true);
    assert.equal(await control(page, 'Decay factor').isVisible(), true);
    assert.equal(await control(page, 'Init scale').isVisible(), false);
    await choose(page, 'Initialization', 'uniform');
    assert.equal(await control(page, 'Init scale').isVisible(), true);
    assert.equal(await control(page, 'Test-time scaling').isVisible(), false);
    await setControl(page, 'Dropout', 0.2);
    await page.waitForFunction(() => location.hash.includes('dropout=0.2'));
    assert.equal(await control(page, 'Test-time scaling').isVisible(), true);

    // Image controls and the augmentation section appear for image data only.
    assert.equal(await control(page, 'Horizontal flip').isVisible(), false);
    await choose(page, 'Dataset', 'shapes');
    for (const label of ['Horizontal flip', 'Crop padding', 'Test-time view', 'Image size', 'Colour', 'Clutter', 'Training images per class']) {
      assert.equal(await control(page, label).isVisible(), true, `"${label}" shows for shapes`);
    }
    assert.equal(await control(page, 'Padding mode').isVisible(), false, 'no padding mode without crop padding');
    await setControl(page, 'Crop padding', 2);
    await page.waitForFunction(() => location.hash.includes('crop_pad=2'));
    assert.equal(await control(page, 'Padding mode').isVisible(), true);
    await choose(page, 'Dataset', 'digits');
    assert.equal(await control(page, 'Image size').isVisible(), false, 'digits are always 8×8');
    assert.equal(await control(page, 'Points').isVisible(), false);
    assert.equal(await control(page, 'Horizontal flip').isVisible(), true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'controls-digits-1280x720.png') });
    // Back to 2D data: the decision regions return and the augmentation section goes.
    await choose(page, 'Dataset', 'moons');
    await page.waitForFunction(() => document.body.dataset.view === 'regions');
    assert.equal(await page.locator('#boundary').isVisible(), true);
    assert.equal(await page.locator('#images-view').isVisible(), false);
    assert.equal(await page.locator('summary', { hasText: 'Augmentation' }).isVisible(), false);
  });
});

test('a per-layer override round-trips through the URL hash', async () => {
  await withPage(env, 'hidden=32,32,32', { problems: 'none' }, async ({ page }) => {
    const rows = page.getByRole('table', { name: /Per-layer settings/ }).locator('tbody tr');
    assert.equal(await rows.count(), 3, 'one row per hidden layer');
    assert.equal(await page.getByLabel('Layer 2 activation').inputValue(), '', '"(all)" by default');
    assert.equal(await page.getByLabel('Layer 2 activation').locator('option:checked').textContent(), '(all)');

    await choose(page, 'Layer 2 activation', 'tanh');
    const dropout = page.getByLabel('Layer 3 dropout');
    await dropout.fill('0.5');
    await dropout.press('Enter');
    await choose(page, 'Layer 3 normalization', 'batch');
    await page.waitForFunction(() => location.hash.includes('lo=2:a=tanh;3:d=0.5:n=batch'));
    assert.equal(await message(page), '');
    // A BatchNorm layer anywhere brings up the BatchNorm settings.
    assert.equal(await control(page, 'BatchNorm momentum').isVisible(), true);
    assert.equal(await control(page, 'Normalization').inputValue(), 'none', 'the network-wide setting is unchanged');

    // A reload restores the table from the link, and training runs with the overrides.
    await page.reload();
    await waitReady(page);
    assert.equal(await page.getByLabel('Layer 2 activation').inputValue(), 'tanh');
    assert.equal(await page.getByLabel('Layer 3 dropout').inputValue(), '0.5');
    assert.equal(await page.getByLabel('Layer 3 normalization').inputValue(), 'batch');
    assert.equal(await page.getByLabel('Layer 1 activation').inputValue(), '');
    assert.match(await hash(page), /lo=2:a=tanh;3:d=0\.5:n=batch/);
    await playUntilEpoch(page, 2);

    // Back to "(all)" removes the override from the link.
    await choose(page, 'Layer 2 activation', '');
    await page.waitForFunction(() => location.hash.includes('lo=3:d=0.5:n=batch') && !location.hash.includes('a=tanh'));

    // Fewer hidden layers drop the overrides of layers that no longer exist (the core would
    // reject them), without an error.
    await setControl(page, 'Hidden layers', '16, 16');
    await page.waitForFunction(() => location.hash.includes('hidden=16,16&') && !location.hash.includes('lo='));
    assert.equal(await rows.count(), 2);
    assert.equal(await message(page), '');

    // A hand-written link with an override the core rejects keeps running, with a note.
    await page.evaluate(() => {
      location.hash = 'hidden=8&lo=4:a=tanh';
    });
    await page.waitForFunction(() => /layer_overrides/.test(document.querySelector('[data-testid="message"]').textContent));
    assert.match(await message(page), /layer must be from 1 to 1/);
  });
});

test('GroupNorm: a layer that uses it brings up Groups, a G that does not divide its width is refused naming groups', async () => {
  await withPage(env, 'hidden=12,10', { problems: 'none' }, async ({ page }) => {
    assert.equal(await control(page, 'Groups').isVisible(), false, 'no layer uses GroupNorm');
    // GroupNorm on layer 1 only (12 units): the default G = 2 divides it.
    await choose(page, 'Layer 1 normalization', 'group');
    await page.waitForFunction(() => location.hash.includes('lo=1:n=group'));
    assert.equal(await control(page, 'Groups').isVisible(), true);
    assert.equal(await control(page, 'Norm position').isVisible(), true);
    assert.equal(await message(page), '');
    // G = 3 divides 12; then GroupNorm everywhere brings in layer 2's 10 units, which 3 does not
    // divide: the core refuses it, naming the field and the values allowed.
    await setControl(page, 'Groups', '3');
    await page.waitForFunction(() => location.hash.includes('groups=3'));
    await playUntilEpoch(page, 1);
    await control(page, 'Normalization').selectOption('group');
    await page.waitForFunction(() => /groups/.test(document.querySelector('[data-testid="message"]').textContent));
    assert.match(await message(page), /layer 2's 10 units.*allowed here: 1, 2/);
  });
});

test('changing the loss to hinge trains the spiral', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    assert.equal(await control(page, 'Hinge margin').isVisible(), false);
    await choose(page, 'Loss', 'hinge');
    assert.equal(await control(page, 'Hinge margin').isVisible(), true);
    assert.equal(await control(page, 'Hinge margin').inputValue(), '1');
    assert.match(await hash(page), /&loss=hinge&hinge_margin=1&/);
    await play(page);
    await waitFigure(page, 'val-acc', '>', 85, 90_000);
    await pause(page);
    assert.equal(await message(page), '');
    // Logistic needs two classes: the core says so and the hinge run goes on.
    await control(page, 'Loss').selectOption('logistic');
    await page.waitForFunction(() => document.querySelector('[data-testid="message"]').textContent.includes('logistic needs exactly 2 classes'));
    assert.match(await hash(page), /loss=hinge/);
  });
});

test('early stopping, ensembles and divergence are reported in the page', async () => {
  await withPage(env, 'patience=3', { problems: 'none' }, async ({ page }) => {
    // Early stopping: training stops by itself and names the restored epoch.
    await play(page);
    await page.waitForFunction(() => /Early stopping restored epoch \d+/.test(document.querySelector('[data-testid="message"]').textContent), null, { timeout: 60_000 });
    await waitPaused(page);
    const best = Number(/restored epoch (\d+)/.exec(await message(page))[1]);
    // The figures table redraws at most ten times a second: a run that stops a few hundred
    // milliseconds after Play may not be drawn yet when the message is.
    await page.waitForFunction((b) => Number(document.querySelector('[data-testid="epoch"]').dataset.value) === b + 3, best, { timeout: 10_000 }).catch(() => {});
    const epoch = await figure(page, 'epoch');
    assert.ok(best >= 1 && best === epoch - 3, `best epoch ${best}, stopped at epoch ${epoch} with patience 3`);

    // An ensemble of three: the members' validation accuracies are listed and drawn thin.
    await setControl(page, 'Early-stop patience', 0);
    await setControl(page, 'Ensemble size', 3);
    await page.waitForFunction(() => location.hash.includes('ensemble=3'));
    await playUntilEpoch(page, 3);
    const members = page.getByTestId('members');
    await page.waitForFunction(() => document.querySelector('[data-testid="members"]').dataset.count === '3');
    assert.match(await members.textContent(), /^Members \(validation\): \d+\.\d %, \d+\.\d %, \d+\.\d % · mean \d+\.\d % · ensemble \d+\.\d %; loss: members' mean \d+\.\d+, ensemble \d+\.\d+$/);
    // The accuracy chart: training, the ensemble bold, and each member thin. Charts redraw at
    // most four times a second, so wait for the redraw that follows the new run.
    await page.waitForFunction(() => document.querySelectorAll('#acc-chart .u-legend .u-series').length === 6);
    const series = await page.locator('#acc-chart .u-legend .u-series').evaluateAll((rows) =>
      rows.map((r) => ({
        label: r.querySelector('.u-label')?.textContent,
        width: r.querySelector('.u-marker') ? getComputedStyle(r.querySelector('.u-marker')).borderTopWidth : null,
      })));
    const labels = series.map((s) => s.label);
    assert.deepEqual(labels, ['epoch', 'training', 'ensemble (validation)', 'member 1', 'member 2', 'member 3']);
    assert.equal(series[2].width, '3px', 'the ensemble line is bold');
    for (const m of series.slice(3)) assert.equal(m.width, '1px', `${m.label} is thin`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ensemble-1280x720.png') });

    // Divergence: plain SGD with a huge learning rate; the message names the step and the fix.
    await setControl(page, 'Ensemble size', 1);
    await control(page, 'Optimizer').selectOption('sgd');
    await setControl(page, 'Learning rate', 10);
    await page.waitForFunction(() => location.hash.includes('optimizer=sgd') && location.hash.includes('learning_rate=10&'));
    await play(page);
    await page.waitForFunction(() => /diverged at step \d+/.test(document.querySelector('[data-testid="message"]').textContent), null, { timeout: 30_000 });
    assert.match(await message(page), /Lower the learning rate and press Reset/);
    await waitPaused(page);
    // Lower the learning rate, press Reset: the note goes and training works again.
    await setControl(page, 'Learning rate', 0.05);
    await page.waitForFunction(() => location.hash.includes('learning_rate=0.05&'));
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await waitFigure(page, 'step', '==', 0);
    await page.waitForFunction(() => !document.querySelector('[data-testid="message"]').textContent.includes('diverged'));
    await playUntilEpoch(page, 2);
    assert.ok(Number.isFinite(await figure(page, 'val-loss')), 'a finite validation loss after the reset');
  });
});
